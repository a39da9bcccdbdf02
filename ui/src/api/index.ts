// The whole api layer, built on one transport (Tauri in the app, a fake in unit tests).
import { alertsApi, geofencesApi } from "./alerts";
import { chatApi } from "./chat";
import { connectionApi } from "./connection";
import { desktopApi } from "./desktop";
import { fleetApi } from "./fleet";
import { historyApi } from "./history";
import { kpiApi } from "./kpi";
import { notificationsApi } from "./notifications";
import { presenceApi } from "./presence";
import { profilesApi } from "./profiles";
import { serverApi } from "./server";
import { settingsApi } from "./settings";
import type { Transport } from "./transport";
import { tripsApi } from "./trips";

export function createApi(t: Transport) {
  return {
    connection: connectionApi(t),
    profiles: profilesApi(t),
    settings: settingsApi(t),
    kpi: kpiApi(t),
    fleet: fleetApi(t),
    alerts: alertsApi(t),
    geofences: geofencesApi(t),
    history: historyApi(t),
    trips: tripsApi(t),
    notifications: notificationsApi(t),
    presence: presenceApi(t),
    server: serverApi(t),
    desktop: desktopApi(t),
    chat: chatApi(t),
  };
}
export type Api = ReturnType<typeof createApi>;
