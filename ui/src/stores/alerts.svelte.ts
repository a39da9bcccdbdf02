// Alerts domain: the feed (`alerts_list`, then `alerts://list` re-lists and `alerts://acked`),
// acknowledging, the filter, and the unacked-critical count (`alerts://unacked-critical`).
import type { Alert } from "../bindings";
import type { AlertsApi } from "../api/alerts";
import { errorMessage, type Unlisten } from "../api/transport";
import { applyAck, countUnackedCritical, filterAlerts, mergeListing, NO_FILTER, type AlertFilter } from "../lib/alertFeed";
import type { Load } from "./connection.svelte";

export class AlertStore {
  items = $state.raw<Alert[]>([]);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  filter = $state.raw<AlertFilter>(NO_FILTER);
  /** Ids whose ack is in flight. */
  acking = $state.raw<ReadonlySet<string>>(new Set());
  ackError = $state<string | null>(null);
  /** The shell's count when it has sent one, else counted here. */
  private shellCount = $state<number | null>(null);
  unackedCritical: number = $derived(this.shellCount ?? countUnackedCritical(this.items));
  shown: Alert[] = $derived(filterAlerts(this.items, this.filter));
  private unlisten: Unlisten[] = [];
  private stopped = false;

  constructor(private api: AlertsApi) {}

  private async keep(p: Promise<Unlisten>): Promise<void> {
    const u = await p;
    if (this.stopped) u();
    else this.unlisten.push(u);
  }

  async start(): Promise<void> {
    this.load = "loading";
    await this.keep(this.api.onList((list) => this.receiveListing(list)));
    await this.keep(this.api.onAcked((a) => (this.items = applyAck(this.items, a))));
    await this.keep(this.api.onUnackedCritical((c) => (this.shellCount = c.count)));
    await this.refresh();
  }

  /** Re-lists (on start and after a reconnect). */
  async refresh(): Promise<void> {
    try {
      this.receiveListing(await this.api.list());
    } catch (e) {
      this.error = errorMessage(e);
      if (this.load !== "ready") this.load = "error";
    }
  }

  receiveListing(list: Alert[]): void {
    this.items = mergeListing(this.items, list);
    this.load = "ready";
    this.error = null;
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unlisten.splice(0)) u();
  }

  setFilter(f: Partial<AlertFilter>): void {
    this.filter = { ...this.filter, ...f };
  }

  async ack(id: string): Promise<void> {
    if (this.acking.has(id)) return;
    this.acking = new Set([...this.acking, id]);
    this.ackError = null;
    try {
      this.items = applyAck(this.items, await this.api.ack(id));
    } catch (e) {
      this.ackError = errorMessage(e);
    } finally {
      const next = new Set(this.acking);
      next.delete(id);
      this.acking = next;
    }
  }
}
