// App types of the desktop IPC contract (docs/desktop-ipc.md, "App types"), generated from
// src-tauri/src/types.rs into `ui/src/bindings/app/`; the helpers below stay here.
export type {
  Capabilities,
  ConnState,
  ConnStatus,
  EmbeddedSettings as EmbeddedInfo,
  FleetSnapshot,
  KpiModule,
  KpiSnapshot,
  Mode,
  Positions as FleetPositions,
  ProbeResult as ProfileTestResult,
  Profile,
  ProfileInput,
  SentNotification,
  Settings,
  Theme,
} from "../bindings/app";
import type { Capabilities } from "../bindings/app";

/** Capabilities of a server that answers nothing (no status yet). */
export const NO_CAPABILITIES: Capabilities = {
  presence: false,
  notifications: false,
  fleet: false,
  kpi: false,
  chat: false,
  admin: false,
};
