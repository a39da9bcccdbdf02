// Time helpers: ages ("updated 12s ago"), staleness and ETAs. Every function takes `now`
// (ms since the epoch) so callers share one clock and tests need no timers.

/** Milliseconds since the epoch for an ISO-8601 string; NaN when absent or unparsable. */
export function parseTime(iso: string | null | undefined): number {
  if (!iso) return NaN;
  return Date.parse(iso);
}

/** Whole seconds from `then` to `now`, never negative (clocks of other machines drift). */
export function secondsSince(now: number, then: number): number {
  if (!Number.isFinite(then)) return NaN;
  return Math.max(0, Math.floor((now - then) / 1000));
}

/** "3s", "4m", "2h", "3d" for an age in seconds; "–" when unknown. */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds)) return "–";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** "updated 12s ago" (or "never updated"). */
export function updatedAgo(now: number, then: number): string {
  const s = secondsSince(now, then);
  return Number.isFinite(s) ? `updated ${formatAge(s)} ago` : "never updated";
}

/**
 * Whether something that should be refreshed regularly has gone quiet: nothing received for
 * longer than `staleAfterMs`. Never-received counts as stale.
 */
export function isStale(now: number, lastReceived: number, staleAfterMs: number): boolean {
  if (!Number.isFinite(lastReceived)) return true;
  return now - lastReceived > staleAfterMs;
}

/** "14:05" in local time, or "–". */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** "in 12 min (14:05)", "due now", "late by 3 min", or "unknown" for an ETA. */
export function formatEta(now: number, eta: string | null | undefined): string {
  const t = parseTime(eta);
  if (!Number.isFinite(t)) return "unknown";
  const mins = Math.round((t - now) / 60000);
  if (mins > 0) return `in ${mins} min (${formatClock(t)})`;
  if (mins === 0) return `due now (${formatClock(t)})`;
  return `late by ${-mins} min`;
}
