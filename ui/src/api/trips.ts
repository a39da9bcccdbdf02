// `trips_start`, `trips_complete`, `trips_cancel`, `trips_recent`, `trips_fetch` (docs/desktop-ipc.md).
import type { Trip, TripCancel, TripStart, TripStartResult } from "../bindings";
import type { ClosedTrip } from "../bindings/app";
import type { Transport } from "./transport";

export function tripsApi(t: Transport) {
  return {
    start: (request: TripStart) => t.invoke<TripStartResult>("trips_start", { request }),
    complete: (tripId: string) => t.invoke<void>("trips_complete", { tripId }),
    cancel: (request: TripCancel) => t.invoke<void>("trips_cancel", { request }),
    recent: () => t.invoke<ClosedTrip[]>("trips_recent"),
    fetch: (tripIds: string[]) => t.invoke<Trip[]>("trips_fetch", { tripIds }),
  };
}
export type TripsApi = ReturnType<typeof tripsApi>;
