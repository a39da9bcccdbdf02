// The Server screen's live chart, as pure functions: a rolling window of `stats` samples
// (about five minutes) and the scaling of one series into an SVG path. No DOM, no timers.
import type { Stats } from "../bindings";

/** One `stats` sample and when it arrived (ms since the epoch). */
export type Sample = { t: number; stats: Stats };

/** Width of the window, in ms. */
export const WINDOW_MS = 5 * 60_000;

/** Appends `s` and drops samples older than the window (relative to `s`); never mutates. */
export function pushSample(window: readonly Sample[], s: Sample, spanMs = WINDOW_MS): Sample[] {
  const from = s.t - spanMs;
  const kept = window.filter((x) => x.t >= from && x.t <= s.t);
  kept.push(s);
  return kept;
}

/** A "nice" upper bound ≥ `max` (1, 2, 2.5 or 5 × 10^n), so the axis does not jitter. */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const exp = Math.floor(Math.log10(max));
  const base = 10 ** exp;
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= max - 1e-9) return m * base;
  return 10 * base;
}

export type Frame = { width: number; height: number; t0: number; t1: number; max: number };

/** x and y of a value at time `t` in the frame (y grows downwards, 0 at the bottom). */
export function project(f: Frame, t: number, v: number): [number, number] {
  const span = Math.max(1, f.t1 - f.t0);
  const x = ((t - f.t0) / span) * f.width;
  const y = f.height - (Math.min(Math.max(v, 0), f.max) / f.max) * f.height;
  return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
}

/** An SVG path `M x y L x y…` of one series; "" with no points. */
export function seriesPath(samples: readonly Sample[], pick: (s: Stats) => number, f: Frame): string {
  return samples
    .map((s, i) => {
      const [x, y] = project(f, s.t, pick(s.stats));
      return `${i === 0 ? "M" : "L"}${x} ${y}`;
    })
    .join(" ");
}

/** The frame for a window ending at `now`: full window width, y up to a nice max. */
export function frameFor(samples: readonly Sample[], picks: Array<(s: Stats) => number>, now: number, width: number, height: number, spanMs = WINDOW_MS): Frame {
  let max = 0;
  for (const s of samples) for (const p of picks) max = Math.max(max, p(s.stats));
  return { width, height, t0: now - spanMs, t1: now, max: niceMax(max) };
}

/** "512 MB"-style byte counts. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** "1.5/s", "12/s", "1.2k/s". */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k/s`;
  return `${n < 10 ? Math.round(n * 10) / 10 : Math.round(n)}/s`;
}
