// A fixed-size ring buffer of numeric samples (value + time), for sparklines. Plain typed
// arrays: pushing never allocates, and the framework never sees it.

export class Ring {
  readonly capacity: number;
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private head = 0; // next write position
  private size = 0;

  constructor(capacity: number) {
    if (!(capacity > 0)) throw new Error("ring capacity must be positive");
    this.capacity = capacity;
    this.values = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(value: number, time: number): void {
    this.values[this.head] = value;
    this.times[this.head] = time;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** The i-th oldest sample's value (0 = oldest). */
  value(i: number): number {
    return this.values[(this.head - this.size + i + this.capacity) % this.capacity];
  }

  time(i: number): number {
    return this.times[(this.head - this.size + i + this.capacity) % this.capacity];
  }

  /** Most recent sample's time, NaN when empty. */
  lastTime(): number {
    return this.size ? this.time(this.size - 1) : NaN;
  }

  lastValue(): number {
    return this.size ? this.value(this.size - 1) : NaN;
  }

  /** Values oldest first. */
  toArray(): number[] {
    const out = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.value(i);
    return out;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}

/**
 * Sparkline sampling rule: keep a sample when the value changed, or when the last kept one
 * is older than `everyMs` (servers re-send unchanged KPIs every few seconds; keeping each
 * re-send would flatten the line's history into the last minute).
 */
export function shouldSample(ring: Ring, value: number, now: number, everyMs: number): boolean {
  if (ring.length === 0) return true;
  if (ring.lastValue() !== value) return true;
  return now - ring.lastTime() >= everyMs;
}

/** SVG polyline points for values in a w×h box (flat line in the middle when constant). */
export function sparklinePoints(values: ArrayLike<number>, w: number, h: number, pad = 1): string {
  const n = values.length;
  if (n === 0) return "";
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = n === 1 ? w : (i / (n - 1)) * w;
    const y = span === 0 ? h / 2 : pad + (1 - (values[i] - min) / span) * (h - 2 * pad);
    parts.push(`${round(x)},${round(y)}`);
  }
  return parts.join(" ");
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
