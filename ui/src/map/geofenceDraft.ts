// Drawing a geofence, pure: click-to-place points (circle: centre then a point on the edge;
// polygon: vertices), the checks the server applies (PROTOCOL §5), the `geofence:create`
// request, and the draft as GeoJSON for the map.
import type { Feature, FeatureCollection } from "geojson";
import type { GeofenceCreate } from "../bindings";
import { circleRing } from "../lib/geo";

export type LatLng = [number, number];
export type Shape = "circle" | "polygon";
export type Draft =
  | { shape: "circle"; center: LatLng | null; radiusM: number | null }
  | { shape: "polygon"; points: LatLng[] };

export const MAX_NAME = 100;
export const MAX_RADIUS_M = 1_000_000;
export const MAX_VERTICES = 1000;
const EARTH_M = 6_371_008.8;

export function emptyDraft(shape: Shape): Draft {
  return shape === "circle" ? { shape, center: null, radiusM: null } : { shape, points: [] };
}

/** Great-circle distance in metres. */
export function distanceM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLng = (b[1] - a[1]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A click on the map: circle centre, then its edge (again: a new edge); a polygon vertex. */
export function addPoint(d: Draft, p: LatLng): Draft {
  if (d.shape === "circle") {
    if (!d.center) return { ...d, center: p };
    return { ...d, radiusM: Math.max(1, Math.round(distanceM(d.center, p))) };
  }
  const last = d.points.at(-1);
  if (last && last[0] === p[0] && last[1] === p[1]) return d;
  if (d.points.length >= MAX_VERTICES) return d;
  return { ...d, points: [...d.points, p] };
}

/** Takes back the last click. */
export function undo(d: Draft): Draft {
  if (d.shape === "circle") return d.radiusM !== null ? { ...d, radiusM: null } : { ...d, center: null };
  return { ...d, points: d.points.slice(0, -1) };
}

const badLat = (v: number) => !Number.isFinite(v) || v < -90 || v > 90;
const badLng = (v: number) => !Number.isFinite(v) || v < -180 || v > 180;

/** Why the draft cannot be saved yet, or null when it can. */
export function draftProblem(d: Draft, name: string): string | null {
  const shape = shapeProblem(d);
  if (shape) return shape;
  const n = name.trim();
  if (n.length === 0) return "Give the geofence a name.";
  if ([...n].length > MAX_NAME) return `The name is longer than ${MAX_NAME} characters.`;
  return null;
}

function shapeProblem(d: Draft): string | null {
  if (d.shape === "circle") {
    if (!d.center) return "Click the map to place the centre, or type it.";
    if (badLat(d.center[0]) || badLng(d.center[1])) return "The centre is not a valid position.";
    if (d.radiusM === null) return "Click the map again to set the radius, or type it.";
    if (!Number.isFinite(d.radiusM) || d.radiusM <= 0 || d.radiusM > MAX_RADIUS_M) return "The radius must be between 1 m and 1,000 km.";
    return null;
  }
  if (d.points.length < 3) return `Click the map to add corners (${d.points.length} of at least 3).`;
  if (d.points.some(([lat, lng]) => badLat(lat) || badLng(lng))) return "A corner is not a valid position.";
  return null;
}

/** The `geofence:create` request (call only when draftProblem is null). */
export function toRequest(d: Draft, name: string): GeofenceCreate {
  if (d.shape === "circle") return { name: name.trim(), circle: { lat: d.center![0], lng: d.center![1], radiusM: d.radiusM! } };
  return { name: name.trim(), polygon: d.points.map(([lat, lng]) => [lat, lng] as [number, number]) };
}

/** What the map shows while drawing: the points clicked and the shape so far. */
export function draftGeoJson(d: Draft | null): FeatureCollection {
  const features: Feature[] = [];
  if (!d) return { type: "FeatureCollection", features };
  const point = ([lat, lng]: LatLng): Feature => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [lng, lat] } });
  if (d.shape === "circle") {
    if (d.center) features.push(point(d.center));
    if (d.center && d.radiusM)
      features.push({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [circleRing(d.center[0], d.center[1], d.radiusM)] } });
    return { type: "FeatureCollection", features };
  }
  for (const p of d.points) features.push(point(p));
  const ring = d.points.map(([lat, lng]) => [lng, lat]);
  if (d.points.length >= 3) features.push({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[...ring, ring[0]]] } });
  else if (d.points.length === 2) features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: ring } });
  return { type: "FeatureCollection", features };
}

/** "1.2 km" / "350 m". */
export function formatRadius(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(m >= 10_000 ? 0 : 1)} km` : `${Math.round(m)} m`;
}

/** Where a geofence's name goes: above its northern edge (not over what is inside it). */
export function labelAnchor(g: { circle?: { lat: number; lng: number; radiusM: number }; polygon?: [number, number][] }): LatLng | null {
  if (g.circle) return [Math.min(85, g.circle.lat + g.circle.radiusM / 111_320), g.circle.lng];
  const p = g.polygon ?? [];
  if (p.length === 0) return null;
  let top = -90;
  let lng = 0;
  for (const [a, b] of p) {
    top = Math.max(top, a);
    lng += b;
  }
  return [top, lng / p.length];
}
