// Vehicle list search and status filter over the fleet table's plain arrays (10,000 rows:
// no objects per call, one pass, precomputed lower-case search keys).
import type { VehicleStatus } from "../bindings";

/** Status codes as stored in the fleet table's Uint8Array (index = code). */
export const STATUSES: readonly VehicleStatus[] = ["active", "idle", "offline", "maintenance", "emergency"];

export function statusCode(s: VehicleStatus | string | undefined): number {
  const i = STATUSES.indexOf(s as VehicleStatus);
  return i < 0 ? 2 /* offline */ : i;
}

/** A bit mask of statuses: bit `statusCode(s)` set for each status shown. */
export type StatusMask = number;
export const ALL_STATUSES: StatusMask = (1 << STATUSES.length) - 1;

export function maskOf(statuses: Iterable<VehicleStatus>): StatusMask {
  let m = 0;
  for (const s of statuses) m |= 1 << statusCode(s);
  return m;
}

export function toggleStatus(mask: StatusMask, s: VehicleStatus): StatusMask {
  return mask ^ (1 << statusCode(s));
}

/** What the search matches: id, plate, name and driver, lower-cased, in one string. */
export function searchKeyOf(v: { id: string; plateNumber?: string; name?: string; driverId?: string }): string {
  return [v.id, v.plateNumber ?? "", v.name ?? "", v.driverId ?? ""].join("\u0001").toLowerCase();
}

/** Lower-cased whitespace-separated terms; every one must match (in any field). */
export function queryTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export type FilterSource = {
  /** Row indices in display order. */
  order: ArrayLike<number>;
  searchKey: readonly string[];
  status: Uint8Array;
};

/** Indices of the rows matching the query and the mask, in `order`. */
export function filterVehicles(src: FilterSource, query: string, mask: StatusMask): number[] {
  const terms = queryTerms(query);
  const out: number[] = [];
  const { order, searchKey, status } = src;
  const all = (mask & ALL_STATUSES) === ALL_STATUSES;
  outer: for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (!all && !(mask & (1 << status[i]))) continue;
    if (terms.length) {
      const key = searchKey[i];
      for (const t of terms) if (!key.includes(t)) continue outer;
    }
    out.push(i);
  }
  return out;
}

/** Count of rows per status code. */
export function countByStatus(status: Uint8Array, count: number): number[] {
  const out = new Array<number>(STATUSES.length).fill(0);
  for (let i = 0; i < count; i++) out[status[i]]++;
  return out;
}
