// GeoJSON for the small overlays: geofences, and the selected vehicle's trip.
import type { Feature, FeatureCollection } from "geojson";
import type { Geofence, Trip } from "../bindings";
import { circleRing } from "../lib/geo";

export function geofencesGeoJson(fences: readonly Geofence[]): FeatureCollection {
  const features: Feature[] = [];
  for (const f of fences) {
    let ring: [number, number][] | null = null;
    if (f.circle) ring = circleRing(f.circle.lat, f.circle.lng, f.circle.radiusM);
    else if (f.polygon && f.polygon.length >= 3) {
      ring = f.polygon.map(([lat, lng]) => [lng, lat] as [number, number]);
      const [a, b] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== b[0] || a[1] !== b[1]) ring.push(a);
    }
    if (ring) features.push({ type: "Feature", properties: { id: f.id, name: f.name }, geometry: { type: "Polygon", coordinates: [ring] } });
  }
  return { type: "FeatureCollection", features };
}

/** Line from the vehicle to its destination, and the destination point. */
export function tripGeoJson(trip: Trip | null, lat: number | null, lng: number | null): FeatureCollection {
  if (!trip) return { type: "FeatureCollection", features: [] };
  const dest: [number, number] = [trip.destination.lng, trip.destination.lat];
  const features: Feature[] = [{ type: "Feature", properties: { name: trip.destination.name ?? "" }, geometry: { type: "Point", coordinates: dest } }];
  if (lat != null && lng != null)
    features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[lng, lat], dest] } });
  return { type: "FeatureCollection", features };
}
