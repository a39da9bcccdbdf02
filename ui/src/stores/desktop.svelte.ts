// Desktop-wide reactions: the tray's quick actions open screens, and a rise in
// unacknowledged critical alerts plays the alert sound (when Settings allow it).
import type { DesktopApi, Navigate } from "../api/desktop";
import type { Unlisten } from "../api/transport";
import { shouldChime } from "../lib/alertSound";

/** The hash a tray action opens (`compose` opens the composer of Notifications). */
export function navigateHash(n: Navigate): string {
  return n.action ? `#/${n.view}/${n.action}` : `#/${n.view}`;
}

export class DesktopEvents {
  /** Last unacked critical count (null until the first one). */
  critical = $state<number | null>(null);
  chimes = 0;
  private unlisten: Unlisten[] = [];

  constructor(
    private api: DesktopApi,
    private soundsOn: () => boolean,
    private play: () => boolean,
    private go: (hash: string) => void = (h) => (location.hash = h),
    private now: () => number = () => performance.now(),
  ) {}

  /** When the last chime played (`now()` clock). */
  private lastChimeAt = -Infinity;

  async start(): Promise<void> {
    this.unlisten.push(await this.api.onNavigate((n) => this.go(navigateHash(n))));
    this.unlisten.push(await this.api.onUnackedCritical((c) => this.onCritical(Number(c.count))));
  }

  stop(): void {
    for (const u of this.unlisten.splice(0)) u();
  }

  onCritical(next: number): void {
    const at = this.now();
    if (shouldChime(this.critical, next, this.soundsOn(), at - this.lastChimeAt) && this.play()) {
      this.chimes++;
      this.lastChimeAt = at;
    }
    this.critical = next;
  }
}
