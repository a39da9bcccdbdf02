// The alert feed, pure: order (critical first, then newest first), acks, filters and counts.
import type { Alert, AlertAcked, AlertKind } from "../bindings";

export const ALERT_KINDS: readonly AlertKind[] = ["emergency", "low-fuel", "geofence", "kpi"];

export const KIND_LABELS: Record<AlertKind, string> = {
  emergency: "Emergency",
  "low-fuel": "Low fuel",
  geofence: "Geofence",
  kpi: "KPI critical",
};

export type AlertFilter = { kind: AlertKind | "all"; unackedOnly: boolean; text: string };
export const NO_FILTER: AlertFilter = { kind: "all", unackedOnly: false, text: "" };

const rank = (a: Alert) => (a.priority === "critical" ? 1 : 0);

/** Critical before high, then newest first, then by id (stable across re-lists). */
export function compareAlerts(a: Alert, b: Alert): number {
  return rank(b) - rank(a) || (b.createdAt < a.createdAt ? -1 : b.createdAt > a.createdAt ? 1 : 0) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}

export function sortFeed(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(compareAlerts);
}

/** Applies an ack (the first one wins); the same array when nothing changed. */
export function applyAck(alerts: Alert[], ack: AlertAcked): Alert[] {
  const i = alerts.findIndex((a) => a.id === ack.alertId);
  if (i < 0 || alerts[i].ackedAt) return alerts;
  const next = alerts.slice();
  next[i] = { ...alerts[i], ackedBy: ack.ackedBy, ackedAt: ack.ackedAt };
  return next;
}

/** A fresh listing, keeping acks this UI already saw (a listing may predate them). */
export function mergeListing(current: readonly Alert[], listing: readonly Alert[]): Alert[] {
  const known = new Map(current.map((a) => [a.id, a]));
  return sortFeed(
    listing.map((a) => {
      const k = known.get(a.id);
      return !a.ackedAt && k?.ackedAt ? { ...a, ackedAt: k.ackedAt, ackedBy: k.ackedBy } : a;
    }),
  );
}

export function filterAlerts(alerts: readonly Alert[], f: AlertFilter): Alert[] {
  const q = f.text.trim().toLowerCase();
  return alerts.filter(
    (a) =>
      (f.kind === "all" || a.kind === f.kind) &&
      (!f.unackedOnly || !a.ackedAt) &&
      (q === "" ||
        a.message.toLowerCase().includes(q) ||
        (a.vehicleId ?? "").toLowerCase().includes(q) ||
        (a.moduleKey ?? "").toLowerCase().includes(q) ||
        (a.ackedBy?.name ?? "").toLowerCase().includes(q)),
  );
}

export function isUnackedCritical(a: Alert): boolean {
  return a.priority === "critical" && !a.ackedAt;
}

export function countUnackedCritical(alerts: readonly Alert[]): number {
  return alerts.reduce((n, a) => n + (isUnackedCritical(a) ? 1 : 0), 0);
}

/** Counts per kind (for the filter's labels). */
export function countByKind(alerts: readonly Alert[]): Record<AlertKind, number> {
  const c: Record<AlertKind, number> = { emergency: 0, "low-fuel": 0, geofence: 0, kpi: 0 };
  for (const a of alerts) c[a.kind] += 1;
  return c;
}

/** Roles that may acknowledge alerts and edit geofences (PROTOCOL §5: `dispatcher`+). */
export function canDispatch(role: string | null | undefined): boolean {
  return role === "dispatcher" || role === "admin";
}
