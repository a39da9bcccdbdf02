// The open trip of each vehicle, kept from events that can arrive out of order.
import type { Trip } from "../bindings";
import { isOpenStatus } from "./trips";

/** How many closed trip ids are remembered (a stale open state arrives within a batch or two). */
export const CLOSED_REMEMBERED = 4096;

/**
 * Open trips by id and by vehicle (a vehicle has at most one). A trip's closing comes as its
 * own event while its progress rides in the coalesced positions batches, over another IPC
 * path: a batch sent just before the closing can be read just after it. A closed trip never
 * reopens, so an open state of a trip already seen closed is dropped; otherwise it would
 * stay on the map, and out of the new-trip form, until the app restarts.
 */
export class OpenTrips {
  readonly byId = new Map<string, Trip>();
  private byVehicle = new Map<string, string>();
  /** Closed ids, oldest first (a Set keeps insertion order). */
  private closed = new Set<string>();

  constructor(private closedCap = CLOSED_REMEMBERED) {}

  /** Applies a trip's state; false when it was a stale open state of a closed trip. */
  apply(t: Trip): boolean {
    if (!isOpenStatus(t.status)) {
      this.forget(t);
      return true;
    }
    if (this.closed.has(t.id)) return false;
    const prev = this.byVehicle.get(t.vehicleId);
    if (prev && prev !== t.id) this.byId.delete(prev);
    this.byId.set(t.id, t);
    this.byVehicle.set(t.vehicleId, t.id);
    return true;
  }

  /** The open trip of a vehicle, if any. */
  of(vehicleId: string): Trip | null {
    const id = this.byVehicle.get(vehicleId);
    return (id && this.byId.get(id)) || null;
  }

  private forget(t: Trip): void {
    if (this.byVehicle.get(t.vehicleId) === t.id) this.byVehicle.delete(t.vehicleId);
    this.byId.delete(t.id);
    this.closed.delete(t.id);
    this.closed.add(t.id);
    if (this.closed.size > this.closedCap) this.closed.delete(this.closed.values().next().value!);
  }
}
