// Fleet domain. Vehicle state lives in a FleetTable (plain typed arrays, see fleetTable.ts);
// what Svelte sees is a few counters bumped at most every `throttleMs`, from which the list,
// the status counts and the details panel derive. The map does not go through Svelte at all:
// it subscribes with `onChange` and redraws from the table.
import type { Geofence, Trip, Vehicle, VehicleLocation, VehicleStatus } from "../bindings";
import type { FeatureCollection } from "geojson";
import type { FleetApi } from "../api/fleet";
import { errorMessage, type Unlisten } from "../api/transport";
import type { FleetPositions, FleetSnapshot } from "../api/types";
import { ALL_STATUSES, countByStatus, filterVehicles, toggleStatus, type StatusMask } from "../lib/vehicleFilter";
import { FleetTable } from "./fleetTable";
import { OpenTrips } from "../lib/openTrips";
import type { Load } from "./connection.svelte";

export type VehicleDetails = {
  id: string;
  plateNumber: string;
  name?: string;
  driverId?: string;
  status: VehicleStatus;
  speed: number | null;
  heading: number | null;
  fuel: number | null;
  lat: number | null;
  lng: number | null;
  /** Timestamp of the last fix (ISO), "" if none. */
  fixTs: string;
  /** The server's lastUpdate of the record. */
  lastUpdate: string;
  /** Wall-clock ms this UI last heard of it. */
  seenAt: number;
  trip: Trip | null;
};

export type FleetOptions = {
  /** Monotonic clock for animation (performance.now). */
  anim?: () => number;
  wall?: () => number;
  /** Longest delay between a change and the Svelte-visible counters catching up. */
  throttleMs?: number;
};

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Fleets above this size refresh the Svelte-visible state half as often. */
export const LARGE_FLEET = 2000;

/**
 * Least time between two refreshes of what Svelte shows (list, counts, details): `baseMs`,
 * doubled for a large fleet. Every refresh repaints the list and re-composites the window,
 * which under software rendering is a slow frame; vehicles report about once a second, so
 * at 2 Hz the list still shows each report within half a second.
 */
export function refreshInterval(count: number, baseMs: number): number {
  return count > LARGE_FLEET ? baseMs * 2 : baseMs;
}

export class FleetStore {
  readonly table = new FleetTable();
  private openTrips = new OpenTrips();
  /** Open trips by id. */
  get trips(): ReadonlyMap<string, Trip> {
    return this.openTrips.byId;
  }

  geofences = $state.raw<Geofence[]>([]);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  /** Bumped (throttled) on any change, positions included. */
  version = $state(0);
  /** Bumped (throttled) when rows, statuses or records changed. */
  listVersion = $state(0);
  count = $state(0);
  selectedId = $state<string | null>(null);
  query = $state("");
  mask = $state<StatusMask>(ALL_STATUSES);

  filtered: number[] = $derived.by(() => {
    void this.listVersion;
    const t = this.table;
    return filterVehicles({ order: t.displayOrder(), searchKey: t.searchKey, status: t.status }, this.query, this.mask);
  });
  statusCounts: number[] = $derived.by(() => {
    void this.listVersion;
    return countByStatus(this.table.status, this.table.count);
  });
  selected: VehicleDetails | null = $derived.by(() => {
    void this.version;
    return this.selectedId ? this.details(this.selectedId) : null;
  });

  private pending: Array<() => void> | null = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seenMeta = -1;
  private listeners = new Set<() => void>();
  private unlisten: Unlisten[] = [];
  private stopped = false;

  /** Keeps a subscription, or drops it at once if stop() came first. */
  private async keep(p: Promise<Unlisten>): Promise<void> {
    const u = await p;
    if (this.stopped) u();
    else this.unlisten.push(u);
  }
  private readonly anim: () => number;
  private readonly wall: () => number;
  private readonly throttleMs: number;

  constructor(
    private api: FleetApi,
    opts: FleetOptions = {},
  ) {
    this.anim = opts.anim ?? (() => performance.now());
    this.wall = opts.wall ?? Date.now;
    this.throttleMs = opts.throttleMs ?? 250;
  }

  async start(): Promise<void> {
    this.load = "loading";
    this.pending = [];
    await this.keep(this.api.onPositions((p) => this.enqueue(() => this.applyBatch(p))));
    await this.keep(this.api.onTrip((t) => this.enqueue(() => this.applyTrip(t))));
    try {
      this.loadSnapshot(await this.api.snapshot());
      this.load = "ready";
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
      this.load = "error";
    }
    // Events that arrived while the snapshot was in flight are newer: replay them on top.
    const queued = this.pending ?? [];
    this.pending = null;
    for (const f of queued) f();
    this.flush();
  }

  /** The simulated city's streets to draw under the vehicles (embedded demo), else null. */
  async demoRoads(): Promise<FeatureCollection | null> {
    try {
      return await this.api.demoRoads();
    } catch {
      return null; // a map without streets is still a map
    }
  }

  /** Re-reads the snapshot (after a reconnect). */
  async refresh(): Promise<void> {
    try {
      this.loadSnapshot(await this.api.snapshot());
      this.error = null;
      if (this.load !== "ready") this.load = "ready";
    } catch (e) {
      this.error = errorMessage(e);
    }
    this.flush();
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unlisten.splice(0)) u();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private enqueue(f: () => void): void {
    if (this.pending) this.pending.push(f);
    else f();
  }

  loadSnapshot(s: FleetSnapshot): void {
    const a = this.anim();
    const w = this.wall();
    for (const v of s.vehicles) this.table.upsertVehicle(v, a, w);
    for (const t of s.trips) this.trackTrip(t);
    this.geofences = s.geofences;
    this.changed();
  }

  /** One coalesced batch: vehicle records, then open trips, then the (newest) positions;
   * subscribers hear of it once. */
  applyBatch(p: FleetPositions): void {
    const a = this.anim();
    const w = this.wall();
    for (const v of p.vehicles ?? []) this.upsert(v, a, w);
    for (const t of p.trips ?? []) this.trackTrip(t);
    if (p.updates.length > 0) this.table.applyPositions(p.updates, a, w);
    if (p.updates.length > 0 || (p.vehicles?.length ?? 0) > 0 || (p.trips?.length ?? 0) > 0) this.changed();
  }

  applyPositions(updates: readonly VehicleLocation[]): void {
    if (updates.length === 0) return;
    this.table.applyPositions(updates, this.anim(), this.wall());
    this.changed();
  }

  applyVehicle(v: Vehicle): void {
    this.upsert(v, this.anim(), this.wall());
    this.changed();
  }

  private upsert(v: Vehicle, a: number, w: number): void {
    this.table.upsertVehicle(v, a, w);
  }

  applyTrip(t: Trip): void {
    this.trackTrip(t);
    this.changed();
  }

  private trackTrip(t: Trip): void {
    this.openTrips.apply(t);
  }

  /** The open trip of a vehicle, if any. */
  tripOf(vehicleId: string): Trip | null {
    return this.openTrips.of(vehicleId);
  }

  /** Subscribes to every change (not throttled), for the map; returns the unsubscribe. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private changed(): void {
    for (const cb of this.listeners) cb();
    if (!this.timer) this.timer = setTimeout(() => this.flush(), refreshInterval(this.table.count, this.throttleMs));
  }

  /** Brings the Svelte-visible counters up to date now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.version++;
    if (this.table.metaVersion !== this.seenMeta) {
      this.seenMeta = this.table.metaVersion;
      this.listVersion++;
    }
    this.count = this.table.count;
  }

  select(id: string | null): void {
    this.selectedId = id && this.table.has(id) ? id : null;
    for (const cb of this.listeners) cb();
  }

  /** Row index of the selection, -1 when none. */
  selectedRow(): number {
    return this.selectedId ? (this.table.index.get(this.selectedId) ?? -1) : -1;
  }

  setQuery(q: string): void {
    this.query = q;
  }

  toggle(s: VehicleStatus): void {
    this.mask = toggleStatus(this.mask, s);
  }

  showAll(): void {
    this.mask = ALL_STATUSES;
  }

  details(id: string): VehicleDetails | null {
    const t = this.table;
    const i = t.index.get(id);
    if (i === undefined) return null;
    const m = t.meta[i];
    return {
      id,
      plateNumber: m.plateNumber,
      name: m.name,
      driverId: m.driverId,
      status: t.statusOf(i),
      speed: num(t.speed[i]),
      heading: num(t.heading[i]),
      fuel: num(t.fuel[i]),
      lat: num(t.lat[i]),
      lng: num(t.lng[i]),
      fixTs: t.fixTs[i],
      lastUpdate: m.lastUpdate,
      seenAt: t.seenAt[i],
      trip: this.tripOf(id),
    };
  }
}
