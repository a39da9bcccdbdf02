// Frame-time probe for benchmarks: `window.__opsdeck.frameTimes` holds the last 2,000
// requestAnimationFrame deltas (ms).

export const FRAME_SAMPLES = 2000;

export type OpsdeckProbe = { frameTimes: number[]; [k: string]: unknown };

/** Appends a delta, keeping at most `max` (drops the oldest). */
export function recordFrame(times: number[], delta: number, max = FRAME_SAMPLES): void {
  times.push(delta);
  if (times.length > max) times.splice(0, times.length - max);
}

/** Installs `window.__opsdeck` and starts sampling; returns a stop function. */
export function startFrameProbe(win: Window & { __opsdeck?: OpsdeckProbe } = window): () => void {
  const probe: OpsdeckProbe = win.__opsdeck ?? { frameTimes: [] };
  win.__opsdeck = probe;
  let last = -1;
  let id = 0;
  const tick = (t: number) => {
    if (last >= 0) recordFrame(probe.frameTimes, t - last);
    last = t;
    id = win.requestAnimationFrame(tick);
  };
  id = win.requestAnimationFrame(tick);
  return () => win.cancelAnimationFrame(id);
}
