// Trips list, pure: one ordered list of open and closed trips, labels, and the start form's
// input checks.
import type { Place, Trip, TripStatus } from "../bindings";
import type { ClosedTrip } from "../bindings/app";

export type TripRow = { trip: Trip; open: boolean; reason: string | null };

export const TRIP_STATUS_LABELS: Record<TripStatus, string> = {
  scheduled: "Scheduled",
  started: "Started",
  ongoing: "On the way",
  completed: "Completed",
  cancelled: "Cancelled",
};

export function isOpenStatus(s: TripStatus): boolean {
  return s === "scheduled" || s === "started" || s === "ongoing";
}

const time = (iso: string | null | undefined) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : NaN;
};

/**
 * Open trips first, soonest ETA first (unknown ETAs after, newest start first), then closed
 * trips, most recently closed first. A trip both open and closed (events crossing) counts
 * as closed.
 */
export function orderTrips(open: readonly Trip[], closed: readonly ClosedTrip[]): TripRow[] {
  const closedIds = new Set(closed.map((c) => c.trip.id));
  const rows: TripRow[] = open
    .filter((t) => !closedIds.has(t.id) && isOpenStatus(t.status))
    .map((trip) => ({ trip, open: true, reason: null }));
  rows.sort((a, b) => {
    const ea = time(a.trip.eta);
    const eb = time(b.trip.eta);
    if (Number.isFinite(ea) !== Number.isFinite(eb)) return Number.isFinite(ea) ? -1 : 1;
    if (Number.isFinite(ea) && ea !== eb) return ea - eb;
    return (time(b.trip.startedAt) || 0) - (time(a.trip.startedAt) || 0) || a.trip.id.localeCompare(b.trip.id);
  });
  const done = closed
    .map((c) => ({ trip: c.trip, open: false, reason: c.reason ?? null }))
    .sort((a, b) => (time(b.trip.completedAt) || 0) - (time(a.trip.completedAt) || 0) || a.trip.id.localeCompare(b.trip.id));
  return rows.concat(done);
}

/**
 * `rows` with the open trips kept in the order `held` lists them (a snapshot of the open
 * ids, taken when the operator started typing in a row). Moving a row in the DOM takes the
 * keyboard focus away from its input, so while a confirmation is open the ETA order must not
 * move it: held trips that are still open keep their places, trips opened since come after
 * them, closed trips stay last. `held` null: `rows` as they are.
 */
export function holdOrder(rows: readonly TripRow[], held: readonly string[] | null): TripRow[] {
  if (!held) return [...rows];
  const open = new Map(rows.filter((r) => r.open).map((r) => [r.trip.id, r]));
  const kept = held.flatMap((id) => {
    const r = open.get(id);
    if (!r) return [];
    open.delete(id);
    return [r];
  });
  return kept.concat(
    rows.filter((r) => r.open && open.has(r.trip.id)),
    rows.filter((r) => !r.open),
  );
}

/**
 * Trip ids that vehicles point at (`Vehicle.tripId`) but that are not known yet: trips
 * started before the app connected, which only their next event would otherwise bring.
 */
export function missingTripIds(vehicleTripIds: Iterable<string | undefined>, known: (id: string) => boolean, cap = 200): string[] {
  const out = new Set<string>();
  for (const id of vehicleTripIds) {
    if (out.size >= cap) break;
    if (id && !known(id)) out.add(id);
  }
  return [...out];
}

/** "Depot" or "24.71340, 46.67530". */
export function placeLabel(p: Place): string {
  return p.name ?? `${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`;
}

/** Progress as a whole percent, 0..100. */
export function progressPercent(progress: number): number {
  if (!Number.isFinite(progress)) return 0;
  return Math.round(Math.max(0, Math.min(1, progress)) * 100);
}

/** "in 7 min", "due now", "late by 3 min", "–" (no ETA yet / closed). */
export function etaLabel(now: number, trip: Trip): string {
  if (!isOpenStatus(trip.status)) return "–";
  const t = time(trip.eta);
  if (!Number.isFinite(t)) return "–";
  const mins = Math.round((t - now) / 60_000);
  if (mins > 0) return mins >= 120 ? `in ${Math.floor(mins / 60)} h ${mins % 60} min` : `in ${mins} min`;
  if (mins === 0) return "due now";
  return `late by ${-mins} min`;
}

/** A place from the form's text fields, or a message saying what is wrong. */
export function parsePlace(lat: string, lng: string, name = ""): Place | string {
  if (lat.trim() === "" || lng.trim() === "") return "Enter a latitude and a longitude, or click on the map.";
  const a = Number(lat);
  const o = Number(lng);
  if (!Number.isFinite(a) || a < -90 || a > 90) return "Latitude must be between -90 and 90.";
  if (!Number.isFinite(o) || o < -180 || o > 180) return "Longitude must be between -180 and 180.";
  const n = name.trim();
  if (n.length > 200) return "Names are at most 200 characters.";
  return n ? { lat: a, lng: o, name: n } : { lat: a, lng: o };
}

/** Dispatchers and admins start, complete and cancel trips; others only look. */
export function canDispatch(role: string | null | undefined): boolean {
  return role === "dispatcher" || role === "admin";
}
