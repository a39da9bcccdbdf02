// The offline basemap: Natural Earth countries (npm `world-atlas`, 1:50m) converted from
// TopoJSON to GeoJSON at load time, drawn as land, sea and borders in the theme's colours,
// plus a graticule. An online raster source (Settings.tileUrl) goes on top of the land when
// set; if it cannot load, the offline layers still show. No glyphs or sprites are needed.
// With the embedded simulator, the streets its vehicles drive on are drawn too (`roads`).
import type { FeatureCollection, Geometry, LineString, MultiLineString } from "geojson";
import type { GeoJSONSource, Map as MlMap, StyleSpecification } from "maplibre-gl";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import worldUrl from "world-atlas/countries-50m.json?url";

export const RIYADH: [number, number] = [46.6753, 24.7136];
export const DEFAULT_ZOOM = 11;

export type Palette = { sea: string; land: string; border: string; grid: string; fence: string; trip: string; road: string; major: string };

export const PALETTES: Record<"light" | "dark", Palette> = {
  light: { sea: "#d5e3f0", land: "#f3f0e8", border: "#a8a195", grid: "#c9d3dd", fence: "#0e7490", trip: "#1d4ed8", road: "#ffffff", major: "#dcd5c4" },
  dark: { sea: "#0a1220", land: "#1b2535", border: "#475569", grid: "#223044", fence: "#22d3ee", trip: "#93c5fd", road: "#2c3a50", major: "#5b6b86" },
};

export type Basemap = { land: FeatureCollection; borders: MultiLineString | LineString | Geometry };

/** Land polygons and country borders from world-atlas (fetched from the bundle, not the web). */
export async function loadBasemap(): Promise<Basemap> {
  const res = await fetch(worldUrl);
  if (!res.ok) throw new Error(`basemap: ${res.status}`);
  const topo = (await res.json()) as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const land = feature(topo, topo.objects.land) as unknown as FeatureCollection;
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  return { land, borders };
}

/** Meridians and parallels every `step` degrees. */
export function graticule(step: number): FeatureCollection<LineString> {
  const features: FeatureCollection<LineString>["features"] = [];
  for (let lng = -180; lng <= 180; lng += step) {
    const coords: [number, number][] = [];
    for (let lat = -80; lat <= 80; lat += 10) coords.push([lng, lat]);
    features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: coords } });
  }
  for (let lat = -80; lat <= 80; lat += step) {
    const coords: [number, number][] = [];
    for (let lng = -180; lng <= 180; lng += 10) coords.push([lng, lat]);
    features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: coords } });
  }
  return { type: "FeatureCollection", features };
}

/** A 0.01° (≈1 km) grid over a box, so movement reads at city zoom on the plain basemap. */
export function localGrid(west: number, south: number, east: number, north: number, step = 0.01): FeatureCollection<LineString> {
  const features: FeatureCollection<LineString>["features"] = [];
  const snap = (v: number) => Math.round(v / step) * step;
  for (let lng = snap(west); lng <= east; lng += step)
    features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[lng, south], [lng, north]] } });
  for (let lat = snap(south); lat <= north; lat += step)
    features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[west, lat], [east, lat]] } });
  return { type: "FeatureCollection", features };
}

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

export function buildStyle(base: Basemap, dark: boolean): StyleSpecification {
  const p = PALETTES[dark ? "dark" : "light"];
  return {
    version: 8,
    sources: {
      // Low source maxzooms: deeper zooms over-zoom one coarse tile instead of cutting many
      // fine ones, which keeps draw calls (and software-GL frame time) down at city zoom.
      land: { type: "geojson", data: base.land, attribution: "Natural Earth", maxzoom: 6, tolerance: 0.5 },
      borders: { type: "geojson", data: { type: "Feature", properties: {}, geometry: base.borders as Geometry }, maxzoom: 6 },
      graticule: { type: "geojson", data: graticule(1), maxzoom: 4 },
      grid: { type: "geojson", data: localGrid(RIYADH[0] - 0.35, RIYADH[1] - 0.3, RIYADH[0] + 0.35, RIYADH[1] + 0.3), maxzoom: 9 },
      roads: { type: "geojson", data: EMPTY, maxzoom: 12 },
      geofences: { type: "geojson", data: EMPTY },
      trip: { type: "geojson", data: EMPTY },
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": p.sea } },
      { id: "land", type: "fill", source: "land", paint: { "fill-color": p.land } },
      { id: "graticule", type: "line", source: "graticule", minzoom: 3, maxzoom: 10, paint: { "line-color": p.grid, "line-width": 0.6 } },
      { id: "grid", type: "line", source: "grid", minzoom: 11, paint: { "line-color": p.grid, "line-width": 0.5, "line-opacity": 0.7 } },
      { id: "roads-local", type: "line", source: "roads", minzoom: 10, filter: ["==", ["get", "class"], "local"], layout: { "line-join": "round" }, paint: { "line-color": p.road, "line-width": ["interpolate", ["linear"], ["zoom"], 10, 0.5, 14, 3] } },
      { id: "roads-major", type: "line", source: "roads", minzoom: 8, filter: ["!=", ["get", "class"], "local"], layout: { "line-join": "round" }, paint: { "line-color": p.major, "line-width": ["interpolate", ["linear"], ["zoom"], 8, 0.8, 14, 5] } },
      { id: "borders", type: "line", source: "borders", paint: { "line-color": p.border, "line-width": 1, "line-dasharray": [3, 2] } },
      { id: "geofence-fill", type: "fill", source: "geofences", paint: { "fill-color": p.fence, "fill-opacity": 0.08 } },
      { id: "geofence-line", type: "line", source: "geofences", paint: { "line-color": p.fence, "line-width": 1.5, "line-opacity": 0.7 } },
      { id: "trip-line", type: "line", source: "trip", filter: ["==", ["geometry-type"], "LineString"], paint: { "line-color": p.trip, "line-width": 2, "line-dasharray": [2, 2] } },
      { id: "trip-points", type: "circle", source: "trip", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": p.trip, "circle-radius": 6, "circle-stroke-width": 2, "circle-stroke-color": dark ? "#0b1220" : "#ffffff" } },
    ],
  };
}

/** Recolours the offline layers for a theme. */
export function applyPalette(map: MlMap, dark: boolean): void {
  const p = PALETTES[dark ? "dark" : "light"];
  map.setPaintProperty("sea", "background-color", p.sea);
  map.setPaintProperty("land", "fill-color", p.land);
  map.setPaintProperty("graticule", "line-color", p.grid);
  map.setPaintProperty("grid", "line-color", p.grid);
  map.setPaintProperty("borders", "line-color", p.border);
  map.setPaintProperty("roads-local", "line-color", p.road);
  map.setPaintProperty("roads-major", "line-color", p.major);
  map.setPaintProperty("geofence-fill", "fill-color", p.fence);
  map.setPaintProperty("geofence-line", "line-color", p.fence);
  map.setPaintProperty("trip-line", "line-color", p.trip);
  map.setPaintProperty("trip-points", "circle-color", p.trip);
  if (map.getLayer("online")) {
    map.setPaintProperty("online", "raster-brightness-max", dark ? 0.7 : 1);
    map.setPaintProperty("online", "raster-saturation", dark ? -0.4 : 0);
  }
}

/** Draws `roads` (the simulator's streets, or none) on the offline basemap. */
export function applyRoads(map: MlMap, roads: FeatureCollection | null): void {
  (map.getSource("roads") as GeoJSONSource | undefined)?.setData(roads ?? EMPTY);
}

/** Adds, replaces or removes the online raster layer (above land, below everything else). */
export function applyTiles(map: MlMap, tileUrl: string | null, dark: boolean): void {
  if (map.getLayer("online")) map.removeLayer("online");
  if (map.getSource("online")) map.removeSource("online");
  if (!tileUrl) return;
  const osm = /openstreetmap\.org/i.test(tileUrl);
  map.addSource("online", {
    type: "raster",
    tiles: [tileUrl],
    tileSize: 256,
    maxzoom: 19,
    attribution: osm ? "© OpenStreetMap contributors" : "Online tiles",
  });
  map.addLayer(
    {
      id: "online",
      type: "raster",
      source: "online",
      paint: { "raster-brightness-max": dark ? 0.7 : 1, "raster-saturation": dark ? -0.4 : 0 },
    },
    "graticule",
  );
}
