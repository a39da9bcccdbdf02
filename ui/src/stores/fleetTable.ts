// The fleet's live state in plain typed arrays, one row per vehicle, outside the framework's
// reactivity: 10,000 vehicles moving ten times a second would otherwise mean 100,000 proxy
// writes and re-renders a second. The map layer reads these arrays directly each frame; the
// Svelte store (fleet.svelte.ts) only bumps a counter a few times a second.
import type { Location, Vehicle, VehicleLocation, VehicleStatus } from "../bindings";
import { mercX, mercY } from "../lib/geo";
import { STATUSES, searchKeyOf, statusCode } from "../lib/vehicleFilter";

/** Positions kept per vehicle for its trail (the newest included). */
export const TRAIL_LEN = 6;
/** Trail points are at least this far apart in time (ms): a trail shows ~5 s of travel. */
export const TRAIL_EVERY_MS = 1000;
/** Shortest and longest glide between two fixes, ms. */
export const GLIDE_MIN_MS = 100;
export const GLIDE_MAX_MS = 1500;
/** A jump longer than this (mercator units, ~5 km at the equator) is shown as a jump. */
export const TELEPORT = 5000 / 40_075_016;

export type VehicleMeta = {
  plateNumber: string;
  name?: string;
  driverId?: string;
  tripId?: string;
  lastUpdate: string;
};

export class FleetTable {
  count = 0;
  capacity = 0;
  ids: string[] = [];
  index = new Map<string, number>();
  meta: VehicleMeta[] = [];
  searchKey: string[] = [];
  /** Last fix, degrees (NaN = no position yet). */
  lat = new Float64Array(0);
  lng = new Float64Array(0);
  /** Glide from (fromX, fromY) at t0 to (toX, toY) at t1, mercator units and ms (monotonic). */
  fromX = new Float64Array(0);
  fromY = new Float64Array(0);
  toX = new Float64Array(0);
  toY = new Float64Array(0);
  t0 = new Float64Array(0);
  t1 = new Float64Array(0);
  /** Degrees clockwise from north; NaN = unknown. */
  heading = new Float32Array(0);
  /** km/h; NaN = unknown. */
  speed = new Float32Array(0);
  /** Percent; NaN = unknown. */
  fuel = new Float32Array(0);
  /** Status code (index into STATUSES). */
  status = new Uint8Array(0);
  /** Wall-clock ms when this UI last heard of the vehicle (position or record). */
  seenAt = new Float64Array(0);
  /** The fix's own timestamp (ISO), for "last update". */
  fixTs: string[] = [];
  /** Trail ring: TRAIL_LEN mercator points per vehicle, `trailHead` = next write slot. */
  trailX = new Float64Array(0);
  trailY = new Float64Array(0);
  trailHead = new Uint8Array(0);
  trailLen = new Uint8Array(0);
  /** When the newest trail point was started (animation clock). */
  trailT = new Float64Array(0);

  /** Bumped on every position change (the map layer re-uploads when it moves). */
  posVersion = 0;
  /** Bumped when rows are added or a status / record changes (the list re-filters). */
  metaVersion = 0;

  private order: Int32Array = new Int32Array(0);
  private orderDirty = false;

  private grow(min: number): void {
    let cap = Math.max(64, this.capacity);
    while (cap < min) cap *= 2;
    if (cap === this.capacity) return;
    const f64 = (a: Float64Array, fill = 0) => {
      const b = new Float64Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    const f32 = (a: Float32Array) => {
      const b = new Float32Array(cap).fill(NaN);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.lat = f64(this.lat, NaN);
    this.lng = f64(this.lng, NaN);
    this.fromX = f64(this.fromX);
    this.fromY = f64(this.fromY);
    this.toX = f64(this.toX);
    this.toY = f64(this.toY);
    this.t0 = f64(this.t0);
    this.t1 = f64(this.t1);
    this.heading = f32(this.heading);
    this.speed = f32(this.speed);
    this.fuel = f32(this.fuel);
    this.status = u8(this.status);
    this.seenAt = f64(this.seenAt, NaN);
    const tx = new Float64Array(cap * TRAIL_LEN);
    tx.set(this.trailX);
    const ty = new Float64Array(cap * TRAIL_LEN);
    ty.set(this.trailY);
    this.trailX = tx;
    this.trailY = ty;
    this.trailHead = u8(this.trailHead);
    this.trailLen = u8(this.trailLen);
    this.trailT = f64(this.trailT);
    this.capacity = cap;
  }

  /** Row of a vehicle, creating a bare one (plate = id, offline) for an unknown id. */
  rowOf(id: string): number {
    const existing = this.index.get(id);
    if (existing !== undefined) return existing;
    if (this.count === this.capacity) this.grow(this.count + 1);
    const i = this.count++;
    this.ids[i] = id;
    this.index.set(id, i);
    this.meta[i] = { plateNumber: id, lastUpdate: "" };
    this.searchKey[i] = searchKeyOf({ id });
    this.fixTs[i] = "";
    this.status[i] = statusCode("offline");
    this.orderDirty = true;
    this.metaVersion++;
    return i;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Applies a vehicle record (snapshot or `fleet://vehicle`). */
  upsertVehicle(v: Vehicle, animNow: number, wallNow: number): number {
    const i = this.rowOf(v.id);
    const m = this.meta[i];
    if (m.plateNumber !== v.plateNumber) this.orderDirty = true;
    this.meta[i] = { plateNumber: v.plateNumber, name: v.name, driverId: v.driverId, tripId: v.tripId, lastUpdate: v.lastUpdate };
    this.searchKey[i] = searchKeyOf(v);
    this.status[i] = statusCode(v.status);
    if (v.fuelLevel != null) this.fuel[i] = v.fuelLevel;
    this.seenAt[i] = wallNow;
    // The record's location only seeds a vehicle without a live position, or replaces an
    // older one; live `fleet://positions` fixes are at least as new.
    if (v.location && (!this.hasPosition(i) || !(Date.parse(v.location.ts) <= Date.parse(this.fixTs[i])))) {
      this.applyLocation(i, v.location, animNow, wallNow);
    }
    this.metaVersion++;
    return i;
  }

  hasPosition(i: number): boolean {
    return !Number.isNaN(this.lat[i]);
  }

  /** Applies one fix to row `i`: the marker glides from where it is drawn now to the fix. */
  applyLocation(i: number, loc: Location, animNow: number, wallNow: number): void {
    const x = mercX(loc.lng);
    const y = mercY(loc.lat);
    if (!this.hasPosition(i)) {
      this.fromX[i] = this.toX[i] = x;
      this.fromY[i] = this.toY[i] = y;
      this.t0[i] = this.t1[i] = animNow;
    } else {
      const gap = animNow - this.t0[i];
      const cx = this.displayX(i, animNow);
      const cy = this.displayY(i, animNow);
      const jump = Math.abs(x - cx) + Math.abs(y - cy) > TELEPORT;
      this.fromX[i] = jump ? x : cx;
      this.fromY[i] = jump ? y : cy;
      this.toX[i] = x;
      this.toY[i] = y;
      this.t0[i] = animNow;
      this.t1[i] = animNow + Math.min(GLIDE_MAX_MS, Math.max(GLIDE_MIN_MS, gap));
      if (jump) this.trailLen[i] = 0;
    }
    this.lat[i] = loc.lat;
    this.lng[i] = loc.lng;
    this.heading[i] = loc.heading ?? NaN;
    this.speed[i] = loc.speed ?? NaN;
    this.fixTs[i] = loc.ts;
    this.seenAt[i] = wallNow;
    this.pushTrail(i, x, y, animNow);
    this.posVersion++;
  }

  /** Applies a `fleet://positions` batch; returns how many rows were new. */
  applyPositions(updates: readonly VehicleLocation[], animNow: number, wallNow: number): number {
    const before = this.count;
    for (let k = 0; k < updates.length; k++) {
      const u = updates[k];
      let i = this.index.get(u.vehicleId);
      if (i === undefined) {
        i = this.rowOf(u.vehicleId);
        // A vehicle that reports a position is not offline.
        this.status[i] = statusCode("active");
      }
      this.applyLocation(i, u.location, animNow, wallNow);
    }
    return this.count - before;
  }

  private pushTrail(i: number, x: number, y: number, now: number): void {
    const base = i * TRAIL_LEN;
    const len = this.trailLen[i];
    if (len > 0) {
      const last = (this.trailHead[i] + TRAIL_LEN - 1) % TRAIL_LEN;
      if (this.trailX[base + last] === x && this.trailY[base + last] === y) return;
      // Fixes closer together than TRAIL_EVERY_MS move the newest point instead of adding one.
      if (len > 1 && now - this.trailT[i] < TRAIL_EVERY_MS) {
        this.trailX[base + last] = x;
        this.trailY[base + last] = y;
        return;
      }
    }
    const h = this.trailHead[i];
    this.trailX[base + h] = x;
    this.trailY[base + h] = y;
    this.trailHead[i] = (h + 1) % TRAIL_LEN;
    this.trailT[i] = now;
    if (len < TRAIL_LEN) this.trailLen[i] = len + 1;
  }

  /** The k-th newest trail point of row i (k = 0 is the newest); caller checks k < trailLen. */
  trailPoint(i: number, k: number): [number, number] {
    const slot = (this.trailHead[i] + TRAIL_LEN - 1 - k) % TRAIL_LEN;
    return [this.trailX[i * TRAIL_LEN + slot], this.trailY[i * TRAIL_LEN + slot]];
  }

  /** Glide progress of row i at animNow, 0..1. */
  progress(i: number, animNow: number): number {
    const d = this.t1[i] - this.t0[i];
    if (d <= 0) return 1;
    return Math.min(1, Math.max(0, (animNow - this.t0[i]) / d));
  }

  displayX(i: number, animNow: number): number {
    const t = this.progress(i, animNow);
    return this.fromX[i] + (this.toX[i] - this.fromX[i]) * t;
  }

  displayY(i: number, animNow: number): number {
    const t = this.progress(i, animNow);
    return this.fromY[i] + (this.toY[i] - this.fromY[i]) * t;
  }

  /** Whether any marker is still gliding at animNow. */
  anyGliding(animNow: number): boolean {
    for (let i = 0; i < this.count; i++) if (this.t1[i] > animNow) return true;
    return false;
  }

  statusOf(i: number): VehicleStatus {
    return STATUSES[this.status[i]];
  }

  setStatus(i: number, s: VehicleStatus): void {
    const c = statusCode(s);
    if (this.status[i] !== c) {
      this.status[i] = c;
      this.metaVersion++;
    }
  }

  /** Rows in display order (by plate, then id), recomputed only after rows are added. */
  displayOrder(): Int32Array {
    if (this.orderDirty || this.order.length !== this.count) {
      const keys = this.meta.map((m, i) => m.plateNumber.toLowerCase() + "\u0000" + this.ids[i]);
      const idx = Array.from({ length: this.count }, (_, i) => i);
      idx.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
      this.order = Int32Array.from(idx);
      this.orderDirty = false;
    }
    return this.order;
  }

  /** Rows with a position inside the mercator box [x0, x1] × [y0, y1]. */
  countInBox(x0: number, y0: number, x1: number, y1: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const x = this.toX[i];
      const y = this.toY[i];
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && this.hasPosition(i)) n++;
    }
    return n;
  }

  /** Nearest positioned row to (x, y) within `maxDist` mercator units, or -1. */
  nearest(x: number, y: number, maxDist: number, animNow: number): number {
    let best = -1;
    let bestD = maxDist * maxDist;
    for (let i = 0; i < this.count; i++) {
      if (!this.hasPosition(i)) continue;
      const dx = this.displayX(i, animNow) - x;
      const dy = this.displayY(i, animNow) - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  clear(): void {
    this.count = 0;
    this.ids = [];
    this.index.clear();
    this.meta = [];
    this.searchKey = [];
    this.fixTs = [];
    this.lat.fill(NaN);
    this.lng.fill(NaN);
    this.heading.fill(NaN);
    this.speed.fill(NaN);
    this.fuel.fill(NaN);
    this.seenAt.fill(NaN);
    this.trailLen.fill(0);
    this.trailHead.fill(0);
    this.orderDirty = true;
    this.posVersion++;
    this.metaVersion++;
  }
}
