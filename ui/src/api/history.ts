// `fleet_vehicle_history` (docs/desktop-ipc.md): a vehicle's positions in a time range.
import type { HistoryTrack } from "../bindings/app";
import type { Transport } from "./transport";

export function historyApi(t: Transport) {
  return {
    load: (vehicleId: string, from: string, to: string, maxPoints?: number) =>
      t.invoke<HistoryTrack>("fleet_vehicle_history", { vehicleId, from, to, maxPoints: maxPoints ?? null }),
  };
}
export type HistoryApi = ReturnType<typeof historyApi>;
