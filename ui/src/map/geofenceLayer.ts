// Geofence drawing on the fleet map: the draft (points clicked and the shape so far) as its
// own GeoJSON layers, map clicks while drawing, and show/hide of the stored geofences
// (the `geofence-fill` / `geofence-line` layers of the basemap style).
import type { GeoJSONSource, Map as MlMap, MapMouseEvent } from "maplibre-gl";
import type { Geofence } from "../bindings";
import { draftGeoJson, labelAnchor, type Draft, type LatLng } from "./geofenceDraft";

export const DRAFT_SOURCE = "geofence-draft";
const FENCE_LAYERS = ["geofence-fill", "geofence-line"];
const DRAFT_COLOR = "#f59e0b";

export class GeofenceMapLayer {
  private drawing = false;
  /** Name labels as HTML over the map (the offline style has no glyphs for symbol layers). */
  private labels: HTMLDivElement;
  private placed: Array<{ el: HTMLElement; at: LatLng }> = [];
  private readonly place = () => {
    for (const { el, at } of this.placed) {
      const p = this.map.project([at[1], at[0]]);
      el.style.transform = `translate(${Math.round(p.x)}px, ${Math.round(p.y)}px) translate(-50%, -120%)`;
    }
  };
  private readonly onClickHandler = (e: MapMouseEvent) => {
    if (this.drawing) this.onClick([e.lngLat.lat, e.lngLat.lng]);
  };

  constructor(
    private map: MlMap,
    private onClick: (p: LatLng) => void,
  ) {
    if (!map.getSource(DRAFT_SOURCE)) {
      map.addSource(DRAFT_SOURCE, { type: "geojson", data: draftGeoJson(null) });
      map.addLayer({ id: "geofence-draft-fill", type: "fill", source: DRAFT_SOURCE, filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": DRAFT_COLOR, "fill-opacity": 0.15 } });
      map.addLayer({ id: "geofence-draft-line", type: "line", source: DRAFT_SOURCE, filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": DRAFT_COLOR, "line-width": 2, "line-dasharray": [2, 1] } });
      map.addLayer({ id: "geofence-draft-points", type: "circle", source: DRAFT_SOURCE, filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": DRAFT_COLOR, "circle-radius": 5, "circle-stroke-width": 2, "circle-stroke-color": "#ffffff" } });
    }
    map.on("click", this.onClickHandler);
    this.labels = document.createElement("div");
    this.labels.dataset.testid = "geofence-labels";
    Object.assign(this.labels.style, { position: "absolute", inset: "0", pointerEvents: "none", overflow: "hidden", zIndex: "1" });
    map.getContainer().appendChild(this.labels);
    map.on("move", this.place);
    map.on("resize", this.place);
  }

  /** Names of the stored geofences, on the map. */
  setFences(fences: readonly Geofence[]): void {
    this.labels.replaceChildren();
    this.placed = [];
    for (const g of fences) {
      const at = labelAnchor(g);
      if (!at) continue;
      const el = document.createElement("span");
      el.textContent = g.name;
      el.className = "geofence-label";
      Object.assign(el.style, {
        position: "absolute",
        left: "0",
        top: "0",
        whiteSpace: "nowrap",
        maxWidth: "180px",
        overflow: "hidden",
        textOverflow: "ellipsis",
        font: "600 11px system-ui, sans-serif",
        padding: "1px 6px",
        borderRadius: "4px",
        color: "var(--text)",
        background: "color-mix(in srgb, var(--panel) 80%, transparent)",
        border: "1px solid var(--border)",
      });
      this.labels.appendChild(el);
      this.placed.push({ el, at });
    }
    this.place();
  }

  /** Whether map clicks are taken for drawing now. */
  isDrawing(): boolean {
    return this.drawing;
  }

  setVisible(visible: boolean): void {
    for (const id of FENCE_LAYERS) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, "visibility", visible ? "visible" : "none");
    this.labels.style.display = visible ? "" : "none";
  }

  setDraft(d: Draft | null): void {
    this.drawing = d !== null;
    (this.map.getSource(DRAFT_SOURCE) as GeoJSONSource | undefined)?.setData(draftGeoJson(d));
    this.map.getCanvas().style.cursor = this.drawing ? "crosshair" : "";
    // A double click would zoom in while placing corners.
    if (this.drawing) this.map.doubleClickZoom.disable();
    else this.map.doubleClickZoom.enable();
  }

  destroy(): void {
    this.map.off("click", this.onClickHandler);
    this.map.off("move", this.place);
    this.map.off("resize", this.place);
    this.labels.remove();
  }
}
