// The whole api layer, built on one transport (Tauri in the app, a fake in unit tests).
import { connectionApi } from "./connection";
import { fleetApi } from "./fleet";
import { kpiApi } from "./kpi";
import { notificationsApi } from "./notifications";
import { presenceApi } from "./presence";
import { profilesApi } from "./profiles";
import { settingsApi } from "./settings";
import type { Transport } from "./transport";

export function createApi(t: Transport) {
  return {
    connection: connectionApi(t),
    profiles: profilesApi(t),
    settings: settingsApi(t),
    kpi: kpiApi(t),
    fleet: fleetApi(t),
    notifications: notificationsApi(t),
    presence: presenceApi(t),
  };
}
export type Api = ReturnType<typeof createApi>;
