// Scales and paths for the SVG speed chart, pure (unit-tested; the component only renders).

export type Scale = ((v: number) => number) & { invert: (px: number) => number; domain: [number, number]; range: [number, number] };

/** Linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to the range's start. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0;
  const f = ((v: number) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0))) as Scale;
  f.invert = (px: number) => (r1 === r0 ? d0 : d0 + ((px - r0) / (r1 - r0)) * span);
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/** A "nice" step (1, 2, 5 × 10^k) giving about `count` ticks over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || count < 1) return 1;
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/** Ticks at multiples of a nice step within [min, max]. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min];
  const step = niceStep(max - min, count);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

/** The top of the y axis: the max rounded up to a nice step, at least `floor`. */
export function niceMax(max: number, floor = 10): number {
  const m = Math.max(floor, Number.isFinite(max) ? max : 0);
  const step = niceStep(m, 4);
  return Math.ceil(m / step) * step;
}

/** Time ticks: nice steps of 1, 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60_000);
export function timeTicks(start: number, end: number, count = 5): number[] {
  if (!(end > start)) return [start];
  const raw = (end - start) / count;
  const step = TIME_STEPS.find((s) => s >= raw) ?? TIME_STEPS[TIME_STEPS.length - 1];
  // Align to local wall-clock minutes (the offset keeps whole hours on the hour).
  const off = new Date(start).getTimezoneOffset() * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil((start - off) / step) * step + off; t <= end; t += step) out.push(t);
  return out;
}

/**
 * SVG path ("M x y L x y ...") of a series; NaN values break the line. `x` and `y` are
 * the data arrays, already in data units.
 */
export function linePath(x: ArrayLike<number>, y: ArrayLike<number>, sx: Scale, sy: Scale): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < x.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v) || !Number.isFinite(x[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${sx(x[i]).toFixed(1)} ${sy(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Largest finite value, NaN when none. */
export function maxFinite(v: ArrayLike<number>): number {
  let m = NaN;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]) && !(v[i] <= m)) m = v[i];
  return m;
}

/** Number of finite values (points the chart draws). */
export function countFinite(v: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) n++;
  return n;
}
