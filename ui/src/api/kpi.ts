// `kpi_snapshot` and the `kpi://update` / `kpi://dashboard` events.
import type { DashboardUpdate } from "../bindings";
import type { Transport, Unlisten } from "./transport";
import type { KpiModule, KpiSnapshot } from "./types";
import { EVENTS } from "./events";

export function kpiApi(t: Transport) {
  return {
    snapshot: () => t.invoke<KpiSnapshot>("kpi_snapshot"),
    onUpdate: (h: (m: KpiModule) => void): Promise<Unlisten> => t.listen(EVENTS.kpiUpdate, h),
    onDashboard: (h: (d: DashboardUpdate) => void): Promise<Unlisten> =>
      t.listen(EVENTS.kpiDashboard, h),
  };
}
export type KpiApi = ReturnType<typeof kpiApi>;
