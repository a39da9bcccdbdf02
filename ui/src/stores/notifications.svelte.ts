// Notifications domain: the inbox (list pages + `notify://new`), the unread count
// (`notify://count`, authoritative), sending, and the history of what this app sent.
import type { Notification, SendNotification, SendResult } from "../bindings";
import type { NotificationsApi } from "../api/notifications";
import { errorMessage, type Unlisten } from "../api/transport";
import type { SentNotification } from "../api/types";
import { countUnread, markReadLocally, mergeNotifications } from "../lib/inbox";
import type { Load } from "./connection.svelte";

export const PAGE = 50;

export class NotificationStore {
  items = $state.raw<Notification[]>([]);
  nextCursor = $state<string | null>(null);
  unread = $state(0);
  load = $state<Load>("idle");
  loadingMore = $state(false);
  error = $state<string | null>(null);
  sent = $state.raw<SentNotification[]>([]);
  sentError = $state<string | null>(null);
  sending = $state(false);
  sendError = $state<string | null>(null);
  private countKnown = false;
  private unlisten: Unlisten[] = [];
  private stopped = false;

  /** Keeps a subscription, or drops it at once if stop() came first. */
  private async keep(p: Promise<Unlisten>): Promise<void> {
    const u = await p;
    if (this.stopped) u();
    else this.unlisten.push(u);
  }

  constructor(
    private api: NotificationsApi,
    private wallClock: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    this.load = "loading";
    await this.keep(this.api.onNew((n) => this.receive(n)));
    await this.keep(this.api.onCount((c) => this.setCount(c.count)));
    try {
      const page = await this.api.list({ limit: PAGE });
      this.items = mergeNotifications(this.items, page.items);
      this.nextCursor = page.nextCursor;
      this.load = "ready";
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
      this.load = "error";
    }
    try {
      const c = await this.api.count();
      if (!this.countKnown) this.setCount(c.count);
    } catch {
      if (!this.countKnown) this.unread = countUnread(this.items);
    }
    await this.refreshSent();
  }

  /** Re-reads the first page and the count (after a reconnect). */
  async refresh(): Promise<void> {
    try {
      const page = await this.api.list({ limit: PAGE });
      this.items = mergeNotifications(this.items, page.items);
      if (this.load !== "ready") this.nextCursor = page.nextCursor;
      this.load = "ready";
      this.error = null;
      this.setCount((await this.api.count()).count);
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unlisten.splice(0)) u();
  }

  receive(n: Notification): void {
    const known = this.items.some((x) => x.id === n.id);
    this.items = mergeNotifications(this.items, [n]);
    // The shell also sends `notify://count`; until it does, count the new one here.
    if (!known && !n.read) this.unread += 1;
  }

  setCount(count: number): void {
    this.countKnown = true;
    this.unread = Math.max(0, count);
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await this.api.list({ limit: PAGE, before: this.nextCursor });
      this.items = mergeNotifications(this.items, page.items);
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.loadingMore = false;
    }
  }

  async markRead(id: string): Promise<void> {
    const before = this.items;
    const target = before.find((n) => n.id === id);
    if (!target || target.read) return;
    this.items = markReadLocally(before, id);
    this.unread = Math.max(0, this.unread - 1);
    try {
      this.setCount((await this.api.markRead(id)).count);
    } catch (e) {
      this.items = this.items.map((n) => (n.id === id ? { ...n, read: false } : n));
      this.unread += 1;
      this.error = errorMessage(e);
    }
  }

  async markAllRead(): Promise<void> {
    const before = this.items;
    const beforeCount = this.unread;
    this.items = markReadLocally(before, null);
    this.unread = 0;
    try {
      this.setCount((await this.api.markAllRead()).count);
    } catch (e) {
      this.items = before;
      this.unread = beforeCount;
      this.error = errorMessage(e);
    }
  }

  async refreshSent(): Promise<void> {
    try {
      this.sent = await this.api.sent();
      this.sentError = null;
    } catch (e) {
      this.sentError = errorMessage(e);
    }
  }

  /** Sends; on success the history shows it at once (the shell keeps the durable copy). */
  async send(request: SendNotification): Promise<SendResult | null> {
    this.sending = true;
    this.sendError = null;
    try {
      const r = await this.api.send(request);
      const entry: SentNotification = { id: r.id, recipients: r.recipients, request, sentAt: new Date(this.wallClock()).toISOString() };
      this.sent = [entry, ...this.sent.filter((s) => s.id !== r.id)];
      return r;
    } catch (e) {
      this.sendError = errorMessage(e);
      return null;
    } finally {
      this.sending = false;
    }
  }
}
