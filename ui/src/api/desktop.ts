// Desktop-wide events: the tray's quick actions (`tray://navigate`) and the count of
// unacknowledged critical alerts (`alerts://unacked-critical`, from the Alerts engine),
// which drives the alert sound.
import type { Count } from "../bindings";
import type { Transport, Unlisten } from "./transport";

export const TRAY_NAVIGATE = "tray://navigate";
export const UNACKED_CRITICAL = "alerts://unacked-critical";

/** `tray://navigate`: the screen to open and what to do there (`compose`). */
export type Navigate = { view: string; action: string | null };

export function desktopApi(t: Transport) {
  return {
    onNavigate: (h: (n: Navigate) => void): Promise<Unlisten> => t.listen(TRAY_NAVIGATE, h),
    onUnackedCritical: (h: (c: Count) => void): Promise<Unlisten> => t.listen(UNACKED_CRITICAL, h),
  };
}
export type DesktopApi = ReturnType<typeof desktopApi>;
