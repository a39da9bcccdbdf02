// The history replay on the fleet map: the track (a GeoJSON line with start/end dots, below
// the vehicles) and the replay marker (a DOM element kept over the map, moved without
// re-tiling anything on every frame).
import type { Feature, FeatureCollection } from "geojson";
import type { GeoJSONSource, Map as MlMap } from "maplibre-gl";
import { trackBounds, trackCoordinates, type ReplayPoint, type Track } from "../lib/replay";

export const HISTORY_SOURCE = "history-track";
export const HISTORY_LINE = "history-track-line";
const CASING = "history-track-casing";
const ENDS = "history-track-ends";
const COLOR = "#e11d48";
const BELOW = "fleet-vehicles";

/** The track as GeoJSON: one line (when there are two fixes or more) and start/end points. */
export function trackGeoJson(track: Track | null): FeatureCollection {
  if (!track || track.length === 0) return { type: "FeatureCollection", features: [] };
  const coords = trackCoordinates(track);
  const features: Feature[] = [];
  if (coords.length >= 2) features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: coords } });
  features.push({ type: "Feature", properties: { end: "start" }, geometry: { type: "Point", coordinates: coords[0] } });
  if (coords.length >= 2)
    features.push({ type: "Feature", properties: { end: "end" }, geometry: { type: "Point", coordinates: coords[coords.length - 1] } });
  return { type: "FeatureCollection", features };
}

export class HistoryLayer {
  private marker: HTMLDivElement;
  private point: ReplayPoint | null = null;
  private readonly onMove = () => this.place();

  constructor(private map: MlMap) {
    this.ensure();
    this.marker = document.createElement("div");
    this.marker.className = "replay-marker";
    this.marker.dataset.testid = "replay-marker";
    this.marker.setAttribute("aria-hidden", "true");
    this.marker.style.cssText =
      `position:absolute;left:0;top:0;width:18px;height:18px;margin:-9px 0 0 -9px;border-radius:50%;` +
      `background:${COLOR};border:3px solid #fff;box-shadow:0 0 0 1px rgb(0 0 0 / 35%);pointer-events:none;display:none;z-index:2`;
    map.getCanvasContainer().appendChild(this.marker);
    map.on("move", this.onMove);
    map.on("resize", this.onMove);
  }

  private ensure(): void {
    const m = this.map;
    if (!m.getSource(HISTORY_SOURCE)) m.addSource(HISTORY_SOURCE, { type: "geojson", data: trackGeoJson(null) });
    const before = m.getLayer(BELOW) ? BELOW : undefined;
    const line = ["==", ["geometry-type"], "LineString"] as ["==", ["geometry-type"], string];
    if (!m.getLayer(CASING))
      m.addLayer({ id: CASING, type: "line", source: HISTORY_SOURCE, filter: line, layout: { "line-join": "round", "line-cap": "round" }, paint: { "line-color": "#ffffff", "line-width": 6, "line-opacity": 0.8 } }, before);
    if (!m.getLayer(HISTORY_LINE))
      m.addLayer({ id: HISTORY_LINE, type: "line", source: HISTORY_SOURCE, filter: line, layout: { "line-join": "round", "line-cap": "round" }, paint: { "line-color": COLOR, "line-width": 3 } }, before);
    if (!m.getLayer(ENDS))
      m.addLayer(
        {
          id: ENDS,
          type: "circle",
          source: HISTORY_SOURCE,
          filter: ["==", ["geometry-type"], "Point"],
          paint: { "circle-radius": 5, "circle-color": ["match", ["get", "end"], "start", "#16a34a", COLOR], "circle-stroke-width": 2, "circle-stroke-color": "#ffffff" },
        },
        before,
      );
  }

  /** Draws a track (null clears it); `fit` frames it. */
  setTrack(track: Track | null, fit = false): void {
    (this.map.getSource(HISTORY_SOURCE) as GeoJSONSource | undefined)?.setData(trackGeoJson(track));
    const b = track ? trackBounds(track) : null;
    if (fit && b) {
      const tiny = b[1][0] - b[0][0] < 1e-4 && b[1][1] - b[0][1] < 1e-4;
      if (tiny) this.map.easeTo({ center: b[0], zoom: Math.max(this.map.getZoom(), 15) });
      else this.map.fitBounds(b, { padding: 60, maxZoom: 16, duration: 400 });
    }
  }

  /** Moves the replay marker (null hides it). */
  setPoint(p: ReplayPoint | null): void {
    this.point = p;
    this.place();
  }

  private place(): void {
    const p = this.point;
    const el = this.marker;
    if (!p) {
      el.style.display = "none";
      delete el.dataset.lat;
      delete el.dataset.lng;
      return;
    }
    const px = this.map.project([p.lng, p.lat]);
    el.style.display = "block";
    el.style.transform = `translate(${px.x.toFixed(1)}px, ${px.y.toFixed(1)}px)`;
    el.dataset.lat = p.lat.toFixed(6);
    el.dataset.lng = p.lng.toFixed(6);
    el.dataset.t = String(Math.round(p.t));
  }

  destroy(): void {
    this.map.off("move", this.onMove);
    this.map.off("resize", this.onMove);
    this.marker.remove();
    const m = this.map;
    try {
      for (const id of [ENDS, HISTORY_LINE, CASING]) if (m.getLayer(id)) m.removeLayer(id);
      if (m.getSource(HISTORY_SOURCE)) m.removeSource(HISTORY_SOURCE);
    } catch {
      // The map is already gone.
    }
  }
}
