// `fleet_snapshot` and the `fleet://positions` / `fleet://vehicle` / `fleet://trip` events.
import type { Trip, Vehicle } from "../bindings";
import type { Transport, Unlisten } from "./transport";
import type { FleetPositions, FleetSnapshot } from "./types";
import { EVENTS } from "./events";

export function fleetApi(t: Transport) {
  return {
    snapshot: () => t.invoke<FleetSnapshot>("fleet_snapshot"),
    onPositions: (h: (p: FleetPositions) => void): Promise<Unlisten> =>
      t.listen(EVENTS.fleetPositions, h),
    onVehicle: (h: (v: Vehicle) => void): Promise<Unlisten> => t.listen(EVENTS.fleetVehicle, h),
    onTrip: (h: (trip: Trip) => void): Promise<Unlisten> => t.listen(EVENTS.fleetTrip, h),
  };
}
export type FleetApi = ReturnType<typeof fleetApi>;
