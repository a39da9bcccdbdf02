// The fleet as one MapLibre custom WebGL layer, drawn straight from the FleetTable's typed
// arrays: one draw call for every marker, one for every trail, one for clusters.
//
// Cost model (10,000 vehicles): a `fleet://positions` batch only writes the table. The next
// frame re-packs the marker buffer (10,000 × 8 floats = 320 kB, ~0.3 ms) and, when trails
// show, the trails of vehicles in view; then it uploads them. Between batches nothing is
// re-packed: the vertex shader glides each marker from its previous to its new position,
// so smooth movement only costs repaints, which we ask for only while ≤ SMOOTH_LIMIT
// vehicles are in view (otherwise markers step at each batch, ≤ 10×/s). Zoomed out below
// CLUSTER_ZOOM, markers give way to grid clusters with counts, recomputed ≤ 2×/s.
import type { CustomLayerInterface, CustomRenderMethodInput, Map as MlMap } from "maplibre-gl";
import type { FleetTable } from "../stores/fleetTable";
import { TRAIL_LEN } from "../stores/fleetTable";
import { STATUSES } from "../lib/vehicleFilter";
import { mercX, mercY } from "../lib/geo";
import { STATUS_COLORS, rgb } from "../lib/statusColors";
import { clusterDiameter, computeClusters, type Clusters } from "./clusters";
import { bindAttribs, compile, projectToPixels, translated, unbindAttribs, type GL } from "./gl";
import { markerSize } from "./markerSize";
import { CELLS, markerAtlas, SPRITE } from "./markerSprite";
import { CLUSTER_FS, CLUSTER_VS, HALO_FS, POINT_FS, POINT_VS, TRAIL_FS, TRAIL_VS } from "./shaders";

export const CLUSTER_ZOOM = 10;
export const TRAIL_ZOOM = 12.5;
export const SMOOTH_LIMIT = 2000;
const CLUSTER_EVERY_MS = 500;
const NO_HEADING = -1000;
const HIDDEN = 255;

const POINT_ATTRIBS = [
  { name: "a_from", size: 2 },
  { name: "a_to", size: 2 },
  { name: "a_time", size: 2 },
  { name: "a_heading", size: 1 },
  { name: "a_status", size: 1 },
];
const TRAIL_ATTRIBS = [
  { name: "a_from", size: 2 },
  { name: "a_to", size: 2 },
  { name: "a_time", size: 2 },
  { name: "a_alpha", size: 1 },
  { name: "a_status", size: 1 },
];
const CLUSTER_ATTRIBS = [
  { name: "a_pos", size: 2 },
  { name: "a_size", size: 1 },
  { name: "a_status", size: 1 },
  { name: "a_alert", size: 1 },
];

export type VehicleLayerOptions = {
  table: FleetTable;
  /** Row of the selected vehicle, -1 for none. */
  selectedRow: () => number;
  /** Status bit mask of the vehicles to show. */
  mask: () => number;
  dark: () => boolean;
  /** Canvas over the map for cluster counts. */
  labels: HTMLCanvasElement;
  /** Whether markers may glide now (the repaint governor's verdict). */
  smoothAllowed: () => boolean;
  /** Asks for a (throttled) repaint. */
  requestRepaint: () => void;
};

/** The view's mercator box [x0, y0, x1, y1], grown by `pad` view sizes on each side. */
function viewBox(map: MlMap, pad: number): number[] {
  const b = map.getBounds();
  const x0 = mercX(b.getWest());
  const x1 = mercX(b.getEast());
  const y0 = mercY(b.getNorth());
  const y1 = mercY(b.getSouth());
  const px = (x1 - x0) * pad;
  const py = (y1 - y0) * pad;
  return [x0 - px, y0 - py, x1 + px, y1 + py];
}

export type LayerStats = { inView: number; smooth: boolean; mode: "points" | "clusters"; clusters: number };

export class VehicleLayer implements CustomLayerInterface {
  readonly id = "fleet-vehicles";
  readonly type = "custom" as const;
  readonly renderingMode = "2d" as const;
  /** Glide between fixes when few enough vehicles are in view. */
  smoothEnabled = true;
  stats: LayerStats = { inView: 0, smooth: false, mode: "points", clusters: 0 };

  private map: MlMap | undefined;
  private pointProg!: WebGLProgram;
  private haloProg!: WebGLProgram;
  private sprite: WebGLTexture | null = null;
  /** CSS pixels of the map's view, as of the last measureView. */
  private viewPx = 0;
  private trailProg!: WebGLProgram;
  private clusterProg!: WebGLProgram;
  private pointBuf!: WebGLBuffer;
  private trailBuf!: WebGLBuffer;
  private clusterBuf!: WebGLBuffer;
  private points = new Float32Array(0);
  private trails = new Float32Array(0);
  private trailVerts = 0;
  private clusterData = new Float32Array(0);
  private clusters: Clusters | null = null;
  private clusterAt = 0;
  private clusterKey = "";
  private labelsDrawn = false;
  private retryPending = false;
  /** Mercator box the trail buffer covers, and what it was built from. */
  private trailBox = [0, 0, 0, 0];
  private trailKey = "";
  private uploadedVersion = -1;
  private uploadedMask = -1;
  private originX = NaN;
  private originY = NaN;
  private timeBase = performance.now();
  private maxT1 = 0;
  private matrix = new Float32Array(16);
  private colors = new Float32Array(15);
  private readonly o: VehicleLayerOptions;

  constructor(o: VehicleLayerOptions) {
    this.o = o;
    STATUSES.forEach((s, i) => this.colors.set(rgb(STATUS_COLORS[s]), i * 3));
  }

  onAdd(map: MlMap, gl: GL): void {
    this.map = map;
    this.pointProg = compile(gl, POINT_VS, POINT_FS);
    this.haloProg = compile(gl, POINT_VS, HALO_FS);
    this.trailProg = compile(gl, TRAIL_VS, TRAIL_FS);
    this.clusterProg = compile(gl, CLUSTER_VS, CLUSTER_FS);
    this.pointBuf = gl.createBuffer()!;
    this.trailBuf = gl.createBuffer()!;
    this.clusterBuf = gl.createBuffer()!;
    this.uploadedVersion = -1;
  }

  onRemove(_map: MlMap, gl: GL): void {
    gl.deleteBuffer(this.pointBuf);
    gl.deleteBuffer(this.trailBuf);
    gl.deleteBuffer(this.clusterBuf);
    gl.deleteProgram(this.pointProg);
    gl.deleteProgram(this.haloProg);
    gl.deleteTexture(this.sprite);
    this.sprite = null;
    gl.deleteProgram(this.trailProg);
    gl.deleteProgram(this.clusterProg);
    this.clearLabels();
  }

  /** Counts vehicles in the current view and measures its size (call after the camera settles). */
  measureView(): void {
    if (!this.map) return;
    const [x0, y0, x1, y1] = viewBox(this.map!, 0);
    this.stats.inView = this.o.table.countInBox(x0, y0, x1, y1);
    // Read here, not per render: client sizes can force a layout in the middle of a frame.
    const canvas = this.map.getCanvas();
    this.viewPx = canvas.clientWidth * canvas.clientHeight;
  }

  render(gl: GL, args: CustomRenderMethodInput): void {
    const table = this.o.table;
    const now = performance.now();
    const zoom = this.map!.getZoom();
    const mask = this.o.mask();
    const m = args.defaultProjectionData.mainMatrix as unknown as ArrayLike<number>;
    this.ensureOrigin();
    translated(m, this.originX, this.originY, this.matrix);
    const dark = this.o.dark();
    const outline = dark ? [0.07, 0.09, 0.12] : [1, 1, 1];

    if (table.count === 0) {
      this.clearLabels();
      return;
    }

    if (zoom < CLUSTER_ZOOM) {
      this.stats.mode = "clusters";
      this.drawClusters(gl, now, zoom, mask, outline, m);
      return;
    }
    this.stats.mode = "points";
    this.clearLabels();

    const fresh = table.posVersion !== this.uploadedVersion || mask !== this.uploadedMask;
    if (fresh) {
      this.packPoints(mask);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.pointBuf);
      gl.bufferData(gl.ARRAY_BUFFER, this.points.subarray(0, table.count * 8), gl.DYNAMIC_DRAW);
      this.uploadedVersion = table.posVersion;
      this.uploadedMask = mask;
    }
    const smooth = this.smoothEnabled && this.o.smoothAllowed() && this.stats.inView <= SMOOTH_LIMIT;
    this.stats.smooth = smooth;
    const uNow = smooth ? (now - this.timeBase) / 1000 : 1e7;
    const size = markerSize(zoom, this.stats.inView, this.viewPx, devicePixelRatio);

    if (zoom >= TRAIL_ZOOM) {
      const key = `${table.posVersion}|${mask}|${Math.floor(zoom)}`;
      const view = viewBox(this.map!, 0);
      const box = this.trailBox;
      const covered = view[0] >= box[0] && view[1] >= box[1] && view[2] <= box[2] && view[3] <= box[3];
      if (key !== this.trailKey || !covered) {
        // Cover half a view more on each side, so panning rarely re-packs.
        this.trailBox = viewBox(this.map!, 0.5);
        this.packTrails(mask, this.trailBox);
        gl.bindBuffer(gl.ARRAY_BUFFER, this.trailBuf);
        gl.bufferData(gl.ARRAY_BUFFER, this.trails.subarray(0, this.trailVerts * 8), gl.DYNAMIC_DRAW);
        this.trailKey = key;
      }
      if (this.trailVerts > 0) {
        gl.useProgram(this.trailProg);
        gl.bindBuffer(gl.ARRAY_BUFFER, this.trailBuf);
        const locs = bindAttribs(gl, this.trailProg, TRAIL_ATTRIBS);
        gl.uniformMatrix4fv(gl.getUniformLocation(this.trailProg, "u_matrix"), false, this.matrix);
        gl.uniform1f(gl.getUniformLocation(this.trailProg, "u_now"), uNow);
        gl.uniform3fv(gl.getUniformLocation(this.trailProg, "u_colors"), this.colors);
        gl.drawArrays(gl.LINES, 0, this.trailVerts);
        unbindAttribs(gl, locs);
      }
    }

    gl.bindBuffer(gl.ARRAY_BUFFER, this.pointBuf);
    const locs = bindAttribs(gl, this.pointProg, POINT_ATTRIBS);
    const bearing = (this.map!.getBearing() * Math.PI) / 180;
    const markers = this.useMarkers(gl, uNow, bearing, outline);
    gl.uniform1f(markers("u_size"), size);
    gl.drawArrays(gl.POINTS, 0, table.count);

    const sel = this.o.selectedRow();
    if (sel >= 0 && sel < table.count && table.hasPosition(sel)) {
      const halo = (n: string) => gl.getUniformLocation(this.haloProg, n);
      gl.useProgram(this.haloProg);
      this.setMotion(gl, this.haloProg, uNow, bearing);
      gl.uniform3fv(halo("u_outline"), dark ? [1, 1, 1] : [0.05, 0.07, 0.1]);
      gl.uniform1f(halo("u_size"), size * 2.2);
      gl.drawArrays(gl.POINTS, sel, 1);
      gl.uniform1f(this.useMarkers(gl, uNow, bearing, outline)("u_size"), size * 1.3);
      gl.drawArrays(gl.POINTS, sel, 1);
    }
    unbindAttribs(gl, locs);

    if (smooth && this.maxT1 > now) this.map!.triggerRepaint();
  }

  /** Uniforms the marker vertex shader shares with the halo's. */
  private setMotion(gl: GL, prog: WebGLProgram, uNow: number, bearing: number): void {
    gl.uniformMatrix4fv(gl.getUniformLocation(prog, "u_matrix"), false, this.matrix);
    gl.uniform1f(gl.getUniformLocation(prog, "u_now"), uNow);
    gl.uniform1f(gl.getUniformLocation(prog, "u_bearing"), bearing);
    gl.uniform3fv(gl.getUniformLocation(prog, "u_colors"), this.colors);
  }

  /** Makes the marker program current, with its atlas on texture unit 0; returns its uniforms. */
  private useMarkers(gl: GL, uNow: number, bearing: number, outline: number[]): (n: string) => WebGLUniformLocation | null {
    const prog = this.pointProg;
    gl.useProgram(prog);
    this.setMotion(gl, prog, uNow, bearing);
    gl.activeTexture(gl.TEXTURE0);
    if (!this.sprite) {
      // Uploaded here rather than in onAdd: MapLibre marks its cached GL state dirty after a
      // custom layer renders, so the pixel-store and binding changes below cannot leak.
      this.sprite = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, this.sprite);
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, CELLS * SPRITE, SPRITE, 0, gl.RGBA, gl.UNSIGNED_BYTE, markerAtlas());
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    } else {
      gl.bindTexture(gl.TEXTURE_2D, this.sprite);
    }
    const u = (n: string) => gl.getUniformLocation(prog, n);
    gl.uniform1i(u("u_sprite"), 0);
    gl.uniform3fv(u("u_outline"), outline);
    return u;
  }

  /** Picks an origin near the view so float32 offsets stay small; moves it only when far. */
  private ensureOrigin(): void {
    const c = this.map!.getCenter();
    const cx = mercX(c.lng);
    const cy = mercY(c.lat);
    if (Number.isNaN(this.originX) || Math.abs(cx - this.originX) + Math.abs(cy - this.originY) > 0.01) {
      this.originX = cx;
      this.originY = cy;
      this.uploadedVersion = -1;
      this.trailKey = "";
      this.clusterKey = "";
    }
  }

  private packPoints(mask: number): void {
    const t = this.o.table;
    const n = t.count;
    if (this.points.length < n * 8) this.points = new Float32Array(Math.max(n * 8, this.points.length * 2, 512));
    const a = this.points;
    const ox = this.originX;
    const oy = this.originY;
    const base = this.timeBase;
    let maxT1 = 0;
    for (let i = 0, k = 0; i < n; i++, k += 8) {
      a[k] = t.fromX[i] - ox;
      a[k + 1] = t.fromY[i] - oy;
      a[k + 2] = t.toX[i] - ox;
      a[k + 3] = t.toY[i] - oy;
      a[k + 4] = (t.t0[i] - base) / 1000;
      a[k + 5] = (t.t1[i] - base) / 1000;
      const h = t.heading[i];
      a[k + 6] = Number.isNaN(h) ? NO_HEADING : (h * Math.PI) / 180;
      const s = t.status[i];
      a[k + 7] = !t.hasPosition(i) || !(mask & (1 << s)) ? HIDDEN : s;
      if (t.t1[i] > maxT1) maxT1 = t.t1[i];
    }
    this.maxT1 = maxT1;
  }

  /** Trails of the vehicles in (a margin around) the view only. */
  private packTrails(mask: number, box: number[]): void {
    const t = this.o.table;
    const [x0, y0, x1, y1] = box;
    const segs = TRAIL_LEN - 1;
    const need = t.count * segs * 2 * 8;
    if (this.trails.length < need) this.trails = new Float32Array(Math.max(need, this.trails.length * 2));
    const a = this.trails;
    const ox = this.originX;
    const oy = this.originY;
    const base = this.timeBase;
    let k = 0;
    const put = (fx: number, fy: number, tx: number, ty: number, t0: number, t1: number, alpha: number, s: number) => {
      a[k] = fx - ox;
      a[k + 1] = fy - oy;
      a[k + 2] = tx - ox;
      a[k + 3] = ty - oy;
      a[k + 4] = t0;
      a[k + 5] = t1;
      a[k + 6] = alpha;
      a[k + 7] = s;
      k += 8;
    };
    for (let i = 0; i < t.count; i++) {
      const len = t.trailLen[i];
      if (len < 2) continue;
      const s = t.status[i];
      if (!(mask & (1 << s))) continue;
      const x = t.toX[i];
      const y = t.toY[i];
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;
      const t0 = (t.t0[i] - base) / 1000;
      const t1 = (t.t1[i] - base) / 1000;
      let [px, py] = t.trailPoint(i, 1);
      // the head segment follows the gliding marker
      put(t.fromX[i], t.fromY[i], x, y, t0, t1, 0.8, s);
      put(px, py, px, py, 0, 0, 0.8 * (1 - 1 / len), s);
      for (let j = 1; j < len - 1; j++) {
        const [qx, qy] = t.trailPoint(i, j + 1);
        const a0 = 0.8 * (1 - j / len);
        const a1 = 0.8 * (1 - (j + 1) / len);
        put(px, py, px, py, 0, 0, a0, s);
        put(qx, qy, qx, qy, 0, 0, a1, s);
        px = qx;
        py = qy;
      }
    }
    this.trailVerts = k / 8;
  }

  private drawClusters(gl: GL, now: number, zoom: number, mask: number, outline: number[], m: ArrayLike<number>): void {
    this.stats.smooth = false;
    const t = this.o.table;
    const key = `${Math.floor(zoom)}|${mask}|${this.originX}`;
    if (!this.clusters || key !== this.clusterKey || (t.posVersion !== this.uploadedVersion && now - this.clusterAt > CLUSTER_EVERY_MS)) {
      this.clusters = computeClusters(t, zoom, mask);
      this.clusterKey = key;
      this.clusterAt = now;
      this.uploadedVersion = t.posVersion;
      this.uploadedMask = -1; // points must re-pack when we zoom back in
      const c = this.clusters;
      if (this.clusterData.length < c.length * 5) this.clusterData = new Float32Array(Math.max(80, c.length * 10));
      const d = this.clusterData;
      for (let i = 0; i < c.length; i++) {
        d[i * 5] = c.x[i] - this.originX;
        d[i * 5 + 1] = c.y[i] - this.originY;
        d[i * 5 + 2] = clusterDiameter(c.count[i]) * devicePixelRatio;
        d[i * 5 + 3] = c.status[i];
        d[i * 5 + 4] = c.emergencies[i] > 0 ? 1 : 0;
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, this.clusterBuf);
      gl.bufferData(gl.ARRAY_BUFFER, d.subarray(0, c.length * 5), gl.DYNAMIC_DRAW);
    } else if (t.posVersion !== this.uploadedVersion) {
      // data moved but clusters are fresh enough: come back for them shortly
      if (!this.retryPending) {
        this.retryPending = true;
        setTimeout(() => {
          this.retryPending = false;
          this.o.requestRepaint();
        }, CLUSTER_EVERY_MS);
      }
    }
    const c = this.clusters;
    this.stats.clusters = c.length;
    gl.useProgram(this.clusterProg);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.clusterBuf);
    const locs = bindAttribs(gl, this.clusterProg, CLUSTER_ATTRIBS);
    gl.uniformMatrix4fv(gl.getUniformLocation(this.clusterProg, "u_matrix"), false, this.matrix);
    gl.uniform3fv(gl.getUniformLocation(this.clusterProg, "u_colors"), this.colors);
    gl.uniform3fv(gl.getUniformLocation(this.clusterProg, "u_outline"), outline);
    gl.uniform3fv(gl.getUniformLocation(this.clusterProg, "u_alert"), this.colors.subarray(12, 15));
    gl.drawArrays(gl.POINTS, 0, c.length);
    unbindAttribs(gl, locs);
    this.drawLabels(c, m);
  }

  private drawLabels(c: Clusters, m: ArrayLike<number>): void {
    const canvas = this.o.labels;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    const dpr = devicePixelRatio;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = "600 11px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#fff";
    for (let i = 0; i < c.length; i++) {
      if (c.count[i] < 2) continue;
      const p = projectToPixels(m, c.x[i], c.y[i], w, h);
      if (!p || p[0] < -40 || p[1] < -40 || p[0] > w + 40 || p[1] > h + 40) continue;
      const n = c.count[i];
      ctx.fillText(n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n), p[0], p[1]);
    }
    this.labelsDrawn = true;
  }

  private clearLabels(): void {
    if (!this.labelsDrawn) return;
    const canvas = this.o.labels;
    canvas.getContext("2d")?.clearRect(0, 0, canvas.width, canvas.height);
    this.labelsDrawn = false;
  }

  /** The cluster nearest to mercator (x, y) within its drawn radius, in cluster mode. */
  pickCluster(x: number, y: number): [number, number] | null {
    const c = this.clusters;
    if (!c || this.stats.mode !== "clusters") return null;
    const world = 512 * Math.pow(2, this.map!.getZoom());
    let best: [number, number] | null = null;
    let bestD = Infinity;
    for (let i = 0; i < c.length; i++) {
      const d = Math.hypot(c.x[i] - x, c.y[i] - y) * world;
      if (d <= clusterDiameter(c.count[i]) / 2 + 3 && d < bestD) {
        bestD = d;
        best = [c.x[i], c.y[i]];
      }
    }
    return best;
  }
}
