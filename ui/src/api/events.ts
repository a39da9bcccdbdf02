// Event names of the desktop IPC contract and the payload each carries.
import type { ConnStatus, FleetPositions, KpiModule } from "./types";
import type {
  Count,
  DashboardUpdate,
  Notification,
  PresenceUser,
  Trip,
} from "../bindings";

export const EVENTS = {
  connStatus: "conn://status",
  kpiUpdate: "kpi://update",
  kpiDashboard: "kpi://dashboard",
  fleetTrip: "fleet://trip",
  notifyNew: "notify://new",
  notifyCount: "notify://count",
  presenceList: "presence://list",
} as const;

export interface EventPayloads {
  "conn://status": ConnStatus;
  "kpi://update": KpiModule;
  "kpi://dashboard": DashboardUpdate;
  "fleet://trip": Trip;
  "notify://new": Notification;
  "notify://count": Count;
  "presence://list": PresenceUser[];
}

export type EventName = keyof EventPayloads;

/** Streams (Tauri channels) of the desktop IPC contract: the command that opens one, the one
 * the page tells how many messages it has handled (the shell sends no more than a few ahead),
 * and the one that ends it. `fleet_positions_stream` carries {@link FleetPositions}. */
export const STREAMS = {
  fleetPositions: "fleet_positions_stream",
  fleetPositionsHandled: "fleet_positions_handled",
  fleetPositionsStop: "fleet_positions_stop",
} as const;
