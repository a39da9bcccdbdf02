// Keeps live map updates from eating the frame budget. Under software WebGL (Xvfb, no GPU)
// one map repaint can cost several frames; repainting for every positions batch (10×/s),
// or continuously for smooth gliding, would then make most frames slow.
//
// The governor watches every frame's duration (rAF deltas), in windows of 60 frames or 1.5
// seconds, and keeps the share of slow frames under a target with a simple multiplicative
// controller: too many slow frames → markers stop gliding and data-driven repaints are
// spaced further apart (up to 1 s); few → the spacing shrinks back to one repaint per batch
// (100 ms) and, after a calm spell, gliding resumes. It needs no attribution of which frame
// a render landed in (GPUs and compositors pipeline frames), and it recovers by itself when
// rendering gets cheap.
// User pans and zooms are never throttled.

export type GovernorOptions = {
  /** A frame longer than this (ms) is slow. rAF deltas come in whole vsyncs: 16.7 is on time. */
  slowMs?: number;
  /** Share of slow frames tolerated (the p95 target means < 5%). */
  target?: number;
  /** Frames per measurement window. */
  window?: number;
  /** A window also closes once its frames add up to this long (ms), so that slow frames
   * (a few per second) get a verdict within seconds instead of after `window` of them. */
  windowMs?: number;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Calm windows needed before gliding is tried again after it caused slow frames. */
  calmWindows?: number;
};

export class RepaintGovernor {
  private readonly slowMs: number;
  private readonly target: number;
  private readonly win: number;
  private readonly winMs: number;
  private elapsed = 0;
  private readonly minI: number;
  private readonly maxI: number;
  private readonly calmNeeded: number;
  private interval: number;
  private smoothOn = true;
  private calm = 0;
  private frames = 0;
  private slowFrames = 0;
  /** Share of slow frames in the last full window (for stats). */
  lastShare = 0;

  constructor(o: GovernorOptions = {}) {
    this.slowMs = o.slowMs ?? 20;
    this.target = o.target ?? 0.03;
    this.win = o.window ?? 60;
    this.winMs = o.windowMs ?? 1500;
    this.minI = o.minIntervalMs ?? 100;
    this.maxI = o.maxIntervalMs ?? 1000;
    this.calmNeeded = o.calmWindows ?? 5;
    this.interval = this.minI;
  }

  /** One frame ended, `deltaMs` after the previous one. */
  frame(deltaMs: number): void {
    if (!(deltaMs > 0) || deltaMs > 2000) return; // hidden tab, debugger pause, ...
    this.frames++;
    this.elapsed += deltaMs;
    if (deltaMs > this.slowMs) this.slowFrames++;
    if (this.frames < this.win && (this.elapsed < this.winMs || this.frames < 2)) return;
    const share = this.slowFrames / this.frames;
    this.lastShare = share;
    this.frames = 0;
    this.slowFrames = 0;
    this.elapsed = 0;
    if (share > this.target) {
      this.calm = 0;
      if (this.smoothOn) this.smoothOn = false;
      else this.interval = Math.min(this.maxI, this.interval * 1.6);
    } else if (share <= this.target / 3) {
      this.interval = Math.max(this.minI, this.interval * 0.8);
      if (this.interval === this.minI && !this.smoothOn && ++this.calm >= this.calmNeeded) {
        this.smoothOn = true;
        this.calm = 0;
      }
    }
  }

  /** Whether markers may glide (continuous repaint). */
  get smooth(): boolean {
    return this.smoothOn;
  }

  /** Least time between two data-driven repaints, ms. */
  get intervalMs(): number {
    return this.interval;
  }
}
