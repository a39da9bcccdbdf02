// Inbox merging: notifications come from list pages and from `notify://new`, possibly twice
// (a broadcast and its `notification:new`, or a page overlapping a live one).
import type { Notification } from "../bindings";

function newerFirst(a: Notification, b: Notification): number {
  if (a.createdAt !== b.createdAt) {
    const ta = Date.parse(a.createdAt);
    const tb = Date.parse(b.createdAt);
    if (ta !== tb && Number.isFinite(ta) && Number.isFinite(tb)) return tb - ta;
  }
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Merges `incoming` into `existing`: one entry per id, newest first. Read is one-way (nothing
 * marks a notification unread), so an entry stays read if either copy says so.
 */
export function mergeNotifications(existing: readonly Notification[], incoming: readonly Notification[]): Notification[] {
  if (incoming.length === 0) return existing as Notification[];
  const byId = new Map<string, Notification>();
  for (const n of existing) byId.set(n.id, n);
  for (const n of incoming) {
    const old = byId.get(n.id);
    byId.set(n.id, old ? { ...old, ...n, read: old.read || n.read } : n);
  }
  return [...byId.values()].sort(newerFirst);
}

/** Marks one (or, with `null`, every) notification read; returns the same array if nothing changed. */
export function markReadLocally(items: readonly Notification[], id: string | null): Notification[] {
  let changed = false;
  const out = items.map((n) => {
    if (!n.read && (id === null || n.id === id)) {
      changed = true;
      return { ...n, read: true };
    }
    return n;
  });
  return changed ? out : (items as Notification[]);
}

export function countUnread(items: readonly Notification[]): number {
  let n = 0;
  for (const x of items) if (!x.read) n++;
  return n;
}

/** Badge text: "" for none, "1".."99", then "99+". */
export function badgeText(count: number): string {
  if (!(count > 0)) return "";
  return count > 99 ? "99+" : String(Math.floor(count));
}
