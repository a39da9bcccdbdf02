// Which screens a server supports. "The UI hides what is missing instead of erroring": a
// screen whose capability the server lacks is not offered at all (an ERP-only server shows
// KPIs and the connection screen only).
import type { Role } from "../bindings";
import type { Capabilities, ConnStatus } from "../api/types";

export type ViewId = "overview" | "fleet" | "alerts" | "notifications" | "people" | "chat" | "server" | "settings" | "connection";

export type ViewDef = { id: ViewId; label: string; needs: keyof Capabilities | null };

export const VIEWS: readonly ViewDef[] = [
  { id: "overview", label: "Overview", needs: "kpi" },
  { id: "fleet", label: "Fleet", needs: "fleet" },
  { id: "alerts", label: "Alerts", needs: "fleet" },
  { id: "notifications", label: "Notifications", needs: "notifications" },
  { id: "people", label: "People", needs: "presence" },
  { id: "chat", label: "Chat", needs: "chat" },
  { id: "server", label: "Server", needs: "admin" },
  { id: "settings", label: "Settings", needs: null },
  { id: "connection", label: "Connection", needs: null },
];

/** Views offered for these capabilities, in menu order; Connection is always there. */
export function visibleViews(caps: Capabilities | null): ViewId[] {
  return VIEWS.filter((v) => v.needs === null || (caps !== null && caps[v.needs])).map((v) => v.id);
}

/** The view to show: the requested one if offered, else the first offered data view. */
export function resolveView(requested: ViewId | null, visible: readonly ViewId[]): ViewId {
  if (requested && visible.includes(requested)) return requested;
  const data = VIEWS.find((v) => v.needs !== null && visible.includes(v.id));
  return data?.id ?? "connection";
}

/** Parses a `#/fleet`-style hash into a view id (null when it names none). */
export function viewFromHash(hash: string): ViewId | null {
  const id = hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return VIEWS.some((v) => v.id === id) ? (id as ViewId) : null;
}

/** Identifies the server a status talks about, to tell a reconnect from a switch. */
export function serverKey(s: ConnStatus): string {
  return `${s.mode}|${s.profileId ?? ""}|${s.serverUrl}`;
}

export type LastKnown = { key: string; caps: Capabilities } | null;

/**
 * Capabilities to lay the UI out with. While connected: the server's. While reconnecting to
 * the same server: the ones it had when last connected, so screens do not vanish and come
 * back on every network blip. Otherwise: none (only the Connection screen).
 */
export function effectiveCapabilities(status: ConnStatus | null, last: LastKnown): Capabilities | null {
  if (!status) return null;
  if (status.state.kind === "connected") return status.capabilities;
  if (last && last.key === serverKey(status)) return last.caps;
  return null;
}

/** Roles that may send notifications (PROTOCOL §6: `dispatcher`+). */
export function canSendNotifications(role: Role | null | undefined): boolean {
  return role === "dispatcher" || role === "admin";
}
