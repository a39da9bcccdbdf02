// Presence domain: who is online now (`presence://list`, the full list each time).
import type { PresenceUser, Role } from "../bindings";
import type { PresenceApi } from "../api/presence";
import { errorMessage, type Unlisten } from "../api/transport";
import type { Load } from "./connection.svelte";

const ROLE_ORDER: Record<Role, number> = { admin: 0, dispatcher: 1, driver: 2, viewer: 3, device: 4 };

/** Online users by role (admins first), then name, then id. */
export function sortPeople(users: readonly PresenceUser[]): PresenceUser[] {
  return [...users].sort(
    (a, b) =>
      (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) ||
      a.name.localeCompare(b.name) ||
      (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
}

export function filterPeople(users: readonly PresenceUser[], query: string): PresenceUser[] {
  const q = query.trim().toLowerCase();
  if (!q) return users as PresenceUser[];
  return users.filter((u) => u.name.toLowerCase().includes(q) || u.userId.toLowerCase().includes(q) || u.role.includes(q));
}

export class PresenceStore {
  users = $state.raw<PresenceUser[]>([]);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  connections = $derived(this.users.reduce((n, u) => n + u.connections, 0));
  private gotEvent = false;
  private unlisten: Unlisten[] = [];
  private stopped = false;

  /** Keeps a subscription, or drops it at once if stop() came first. */
  private async keep(p: Promise<Unlisten>): Promise<void> {
    const u = await p;
    if (this.stopped) u();
    else this.unlisten.push(u);
  }

  constructor(private api: PresenceApi) {}

  async start(): Promise<void> {
    this.load = "loading";
    await this.keep(this.api.onList((u) => this.apply(u)));
    try {
      const users = await this.api.list();
      if (!this.gotEvent) this.apply(users);
      this.load = "ready";
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
      this.load = "error";
    }
  }

  /** Re-reads the list (after a reconnect). */
  async refresh(): Promise<void> {
    try {
      this.apply(await this.api.list());
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unlisten.splice(0)) u();
  }

  apply(users: PresenceUser[]): void {
    this.gotEvent = true;
    this.users = sortPeople(users);
    if (this.load !== "ready") this.load = "ready";
  }
}
