// Alerts and geofence edits: `alerts_list`, `alerts_ack`, `alerts_unacked_critical`,
// `geofences_create`, `geofences_delete` and the `alerts://…` / `fleet://geofences` events.
import type { Alert, AlertAcked, Count, Geofence, GeofenceCreate } from "../bindings";
import type { Transport, Unlisten } from "./transport";

export const ALERT_EVENTS = {
  list: "alerts://list",
  acked: "alerts://acked",
  unackedCritical: "alerts://unacked-critical",
  geofences: "fleet://geofences",
} as const;

export function alertsApi(t: Transport) {
  return {
    /** Re-lists from the server; the feed, critical first then newest first. */
    list: () => t.invoke<Alert[]>("alerts_list"),
    ack: (id: string) => t.invoke<AlertAcked>("alerts_ack", { id }),
    unackedCritical: () => t.invoke<number>("alerts_unacked_critical"),
    onList: (h: (alerts: Alert[]) => void): Promise<Unlisten> => t.listen(ALERT_EVENTS.list, h),
    onAcked: (h: (a: AlertAcked) => void): Promise<Unlisten> => t.listen(ALERT_EVENTS.acked, h),
    onUnackedCritical: (h: (c: Count) => void): Promise<Unlisten> => t.listen(ALERT_EVENTS.unackedCritical, h),
  };
}
export type AlertsApi = ReturnType<typeof alertsApi>;

export function geofencesApi(t: Transport) {
  return {
    create: (request: GeofenceCreate) => t.invoke<Geofence[]>("geofences_create", { request }),
    remove: (id: string) => t.invoke<Geofence[]>("geofences_delete", { id }),
    onList: (h: (fences: Geofence[]) => void): Promise<Unlisten> => t.listen(ALERT_EVENTS.geofences, h),
  };
}
export type GeofencesApi = ReturnType<typeof geofencesApi>;
