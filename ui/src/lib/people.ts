// People screen logic: sorting the online list by a column, and how "online since" reads.
import type { PresenceUser } from "../bindings";
import { formatClock, parseTime } from "./time";

export type PeopleSort = "name" | "role" | "since" | "connections";
export type SortDir = "asc" | "desc";

const ROLE_RANK: Record<string, number> = { admin: 0, dispatcher: 1, driver: 2, viewer: 3, device: 4 };

const byName = (a: PresenceUser, b: PresenceUser) =>
  a.name.localeCompare(b.name) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

/** The list ordered by `key` (ties by name, then id); `desc` reverses the key only. */
export function sortPeopleBy(users: readonly PresenceUser[], key: PeopleSort, dir: SortDir = "asc"): PresenceUser[] {
  const sign = dir === "asc" ? 1 : -1;
  const primary = (a: PresenceUser, b: PresenceUser): number => {
    switch (key) {
      case "name":
        return 0;
      case "role":
        return (ROLE_RANK[a.role] ?? 9) - (ROLE_RANK[b.role] ?? 9);
      case "since": {
        const ta = parseTime(a.since);
        const tb = parseTime(b.since);
        return (Number.isFinite(ta) ? ta : Infinity) - (Number.isFinite(tb) ? tb : Infinity) || 0;
      }
      case "connections":
        return a.connections - b.connections;
    }
  };
  return [...users].sort((a, b) => {
    if (key === "name") return sign * byName(a, b);
    return sign * primary(a, b) || byName(a, b);
  });
}

/** Clicking a column: the same column flips direction, another starts at its natural one. */
export function nextSort(current: { key: PeopleSort; dir: SortDir }, key: PeopleSort): { key: PeopleSort; dir: SortDir } {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  // most connections first; longest online first is "since" ascending
  return { key, dir: key === "connections" ? "desc" : "asc" };
}

/** "since 14:05" today, or "since 3 Jan 14:05" for earlier days; "–" when unknown. */
export function onlineSince(now: number, since: string): string {
  const t = parseTime(since);
  if (!Number.isFinite(t)) return "–";
  const d = new Date(t);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  if (sameDay) return formatClock(t);
  const month = d.toLocaleString("en", { month: "short" });
  return `${d.getDate()} ${month} ${formatClock(t)}`;
}
