// Trips: open ones come from the fleet store (snapshot + `fleet://trip`), closed ones this
// session from `trips_recent` (the protocol lists no closed trips); start, complete, cancel.
import type { FleetApi } from "../api/fleet";
import { errorMessage, type Unlisten } from "../api/transport";
import type { TripsApi } from "../api/trips";
import type { Trip, TripStart } from "../bindings";
import type { ClosedTrip } from "../bindings/app";
import { isOpenStatus, missingTripIds, orderTrips, type TripRow } from "../lib/trips";
import type { Load } from "./connection.svelte";
import type { FleetStore } from "./fleet.svelte";

export class TripsStore {
  closed = $state.raw<ClosedTrip[]>([]);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  /** "start" or the id of the trip an action is running for. */
  pending = $state<string | null>(null);
  actionError = $state<string | null>(null);

  rows: TripRow[] = $derived.by(() => {
    void this.fleet.version;
    return orderTrips([...this.fleet.trips.values()], this.closed);
  });

  private unlisten: Unlisten | null = null;
  private started = false;
  private stopped = false;

  constructor(
    private api: TripsApi,
    private fleetApi: FleetApi,
    private fleet: FleetStore,
  ) {}

  /** Starts once (the Fleet screen calls this when it opens). */
  async ensureStarted(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const u = await this.fleetApi.onTrip((t) => this.onTrip(t));
    if (this.stopped) u();
    else this.unlisten = u;
    this.load = "loading";
    await this.refresh();
    await this.fetchMissing();
  }

  /** Reads the open trips vehicles point at that the app has not heard of yet. */
  async fetchMissing(): Promise<void> {
    const t = this.fleet.table;
    const ids = missingTripIds(
      Array.from({ length: t.count }, (_, i) => t.meta[i]?.tripId),
      (id) => this.fleet.trips.has(id),
    );
    if (ids.length === 0) return;
    try {
      for (const trip of await this.api.fetch(ids)) this.fleet.applyTrip(trip);
    } catch (e) {
      // The list still shows what events bring; say why the rest is missing.
      this.error = errorMessage(e);
    }
  }

  async refresh(): Promise<void> {
    try {
      this.closed = await this.api.recent();
      this.error = null;
      this.load = "ready";
    } catch (e) {
      this.error = errorMessage(e);
      if (this.load !== "ready") this.load = "error";
    }
  }

  private onTrip(t: Trip): void {
    if (isOpenStatus(t.status)) return;
    // Show it closed at once; the reload brings the cancel reason.
    if (!this.closed.some((c) => c.trip.id === t.id)) this.closed = [{ trip: t }, ...this.closed];
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    this.unlisten?.();
    this.unlisten = null;
  }

  private async act<T>(key: string, f: () => Promise<T>): Promise<T | null> {
    this.pending = key;
    this.actionError = null;
    try {
      return await f();
    } catch (e) {
      this.actionError = errorMessage(e);
      return null;
    } finally {
      this.pending = null;
    }
  }

  /** Starts a trip; its id, or null (see `actionError`). */
  async startTrip(request: TripStart): Promise<string | null> {
    const r = await this.act("start", () => this.api.start(request));
    return r?.tripId ?? null;
  }

  async complete(tripId: string): Promise<boolean> {
    return (await this.act(tripId, async () => (await this.api.complete(tripId), true))) ?? false;
  }

  async cancel(tripId: string, reason: string): Promise<boolean> {
    return (await this.act(tripId, async () => (await this.api.cancel({ tripId, reason }), true))) ?? false;
  }
}
