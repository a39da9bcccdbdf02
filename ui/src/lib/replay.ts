// History replay, pure: a track in typed arrays, the position at any time (interpolated
// between fixes), the slider ↔ time mapping, the time-range presets and playback steps.
import type { Location } from "../bindings";

export type Track = {
  /** Fix times, ms since the epoch, non-decreasing. */
  t: Float64Array;
  lat: Float64Array;
  lng: Float64Array;
  /** km/h, NaN where the fix had none. */
  speed: Float64Array;
  /** Degrees, NaN where the fix had none. */
  heading: Float64Array;
  length: number;
};

export type ReplayPoint = { t: number; lat: number; lng: number; speed: number | null; heading: number | null; index: number };

/** Builds a track from `vehicle:history` locations (drops unparsable times, sorts by time). */
export function buildTrack(locations: readonly Location[]): Track {
  const rows = locations
    .map((l) => ({ l, t: Date.parse(l.ts) }))
    .filter((r) => Number.isFinite(r.t) && Number.isFinite(r.l.lat) && Number.isFinite(r.l.lng));
  let sorted = true;
  for (let i = 1; i < rows.length; i++) if (rows[i].t < rows[i - 1].t) sorted = false;
  if (!sorted) rows.sort((a, b) => a.t - b.t);
  const n = rows.length;
  const track: Track = {
    t: new Float64Array(n),
    lat: new Float64Array(n),
    lng: new Float64Array(n),
    speed: new Float64Array(n),
    heading: new Float64Array(n),
    length: n,
  };
  rows.forEach(({ l, t }, i) => {
    track.t[i] = t;
    track.lat[i] = l.lat;
    track.lng[i] = l.lng;
    track.speed[i] = l.speed ?? NaN;
    track.heading[i] = l.heading ?? NaN;
  });
  return track;
}

/** First and last fix time, or null for an empty track. */
export function trackSpan(track: Track): { start: number; end: number } | null {
  if (track.length === 0) return null;
  return { start: track.t[0], end: track.t[track.length - 1] };
}

/** Index of the last fix at or before `time` (0 before the start). */
export function indexAt(track: Track, time: number): number {
  let lo = 0;
  let hi = track.length - 1;
  if (hi < 0) return -1;
  if (time >= track.t[hi]) return hi;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (track.t[mid] <= time) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const lerp = (a: number, b: number, f: number) => a + (b - a) * f;

/** Initial bearing from one point to another, degrees clockwise from north. */
export function bearing(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const r = Math.PI / 180;
  const y = Math.sin((lng2 - lng1) * r) * Math.cos(lat2 * r);
  const x = Math.cos(lat1 * r) * Math.sin(lat2 * r) - Math.sin(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lng2 - lng1) * r);
  return ((Math.atan2(y, x) / r) % 360 + 360) % 360;
}

/**
 * Where the vehicle was at `time`: linear between the two fixes around it (clamped to the
 * track's ends); speed interpolated too, heading from the segment when the fix has none.
 */
export function positionAt(track: Track, time: number): ReplayPoint | null {
  const n = track.length;
  if (n === 0) return null;
  const i = indexAt(track, time);
  const j = Math.min(n - 1, i + 1);
  const t0 = track.t[i];
  const t1 = track.t[j];
  const f = j === i || t1 === t0 || time <= t0 ? 0 : Math.min(1, (time - t0) / (t1 - t0));
  const s0 = track.speed[i];
  const s1 = track.speed[j];
  const speed = Number.isNaN(s0) ? (Number.isNaN(s1) ? null : s1) : Number.isNaN(s1) ? s0 : lerp(s0, s1, f);
  let heading: number | null = Number.isNaN(track.heading[i]) ? null : track.heading[i];
  if (heading === null && j !== i && (track.lat[i] !== track.lat[j] || track.lng[i] !== track.lng[j]))
    heading = bearing(track.lat[i], track.lng[i], track.lat[j], track.lng[j]);
  return {
    t: Math.max(track.t[0], Math.min(track.t[n - 1], time)),
    lat: lerp(track.lat[i], track.lat[j], f),
    lng: lerp(track.lng[i], track.lng[j], f),
    speed,
    heading,
    index: i,
  };
}

/** Steps of the time slider. */
export const SLIDER_STEPS = 1000;

/** Slider value (0..steps) → time in [start, end]. */
export function sliderToTime(value: number, start: number, end: number, steps = SLIDER_STEPS): number {
  if (end <= start) return start;
  const v = Math.max(0, Math.min(steps, value));
  return start + ((end - start) * v) / steps;
}

/** Time → slider value (0..steps, rounded). */
export function timeToSlider(time: number, start: number, end: number, steps = SLIDER_STEPS): number {
  if (end <= start) return 0;
  const f = (time - start) / (end - start);
  return Math.round(Math.max(0, Math.min(1, f)) * steps);
}

export type RangePreset = "15m" | "1h" | "24h" | "custom";
export const PRESETS: readonly { id: RangePreset; label: string; ms: number }[] = [
  { id: "15m", label: "Last 15 min", ms: 15 * 60_000 },
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "24h", label: "Last 24 h", ms: 86_400_000 },
  { id: "custom", label: "Custom", ms: 0 },
];

/**
 * The `[from, to]` to load: the preset ending now, or the custom range (`datetime-local`
 * strings, local time). An error message when the custom range is incomplete or reversed.
 */
export function resolveRange(
  preset: RangePreset,
  now: number,
  custom: { from: string; to: string } = { from: "", to: "" },
): { from: number; to: number } | string {
  if (preset !== "custom") {
    const p = PRESETS.find((x) => x.id === preset)!;
    return { from: now - p.ms, to: now };
  }
  const from = Date.parse(custom.from);
  const to = Date.parse(custom.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return "Enter both a start and an end time.";
  if (to <= from) return "The end must be after the start.";
  return { from, to };
}

/** `Date` → the value of an `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const RATES = [1, 10, 60] as const;
export type Rate = (typeof RATES)[number];

/** One playback step: `dtMs` of wall time at `rate`; stops at `end`. */
export function advance(time: number, dtMs: number, rate: number, end: number): { time: number; done: boolean } {
  const next = time + Math.max(0, dtMs) * rate;
  return next >= end ? { time: end, done: true } : { time: next, done: false };
}

/** [lng, lat] pairs of the track, for GeoJSON. */
export function trackCoordinates(track: Track): [number, number][] {
  const out: [number, number][] = new Array(track.length);
  for (let i = 0; i < track.length; i++) out[i] = [track.lng[i], track.lat[i]];
  return out;
}

/** [[west, south], [east, north]] of the track, or null when empty. */
export function trackBounds(track: Track): [[number, number], [number, number]] | null {
  if (track.length === 0) return null;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (let i = 0; i < track.length; i++) {
    w = Math.min(w, track.lng[i]);
    e = Math.max(e, track.lng[i]);
    s = Math.min(s, track.lat[i]);
    n = Math.max(n, track.lat[i]);
  }
  return [[w, s], [e, n]];
}
