// One shared wall clock for "updated Ns ago" labels and stale badges: one timer for the whole
// UI, ticking once a second.
export class Clock {
  now = $state(Date.now());
  private timer: ReturnType<typeof setInterval> | null = null;

  start(periodMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => (this.now = Date.now()), periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sets the time by hand (tests). */
  set(now: number): void {
    this.now = now;
  }
}
