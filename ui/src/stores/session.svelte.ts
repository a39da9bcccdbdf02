// The stores of one server connection. A new server (another profile, or embedded) gets a
// fresh Session, so nothing of the old server's data lingers; a reconnect to the same server
// keeps the Session and refreshes its snapshots. Domain stores start only when the server
// has their capability: the UI never calls commands a server cannot answer.
import type { Api } from "../api";
import type { Capabilities, ConnStatus } from "../api/types";
import { serverKey } from "../lib/nav";
import { FleetStore } from "./fleet.svelte";
import { KpiStore } from "./kpi.svelte";
import { NotificationStore } from "./notifications.svelte";
import { PresenceStore } from "./presence.svelte";

export class Session {
  readonly kpi: KpiStore;
  readonly fleet: FleetStore;
  readonly notifications: NotificationStore;
  readonly presence: PresenceStore;
  private started = new Set<keyof Capabilities>();

  constructor(
    readonly key: string,
    api: Api,
  ) {
    this.kpi = new KpiStore(api.kpi);
    this.fleet = new FleetStore(api.fleet);
    this.notifications = new NotificationStore(api.notifications);
    this.presence = new PresenceStore(api.presence);
  }

  /** Starts the stores of newly available capabilities. */
  enable(caps: Capabilities): void {
    const go = (cap: keyof Capabilities, start: () => Promise<void>) => {
      if (caps[cap] && !this.started.has(cap)) {
        this.started.add(cap);
        void start();
      }
    };
    go("kpi", () => this.kpi.start());
    go("fleet", () => this.fleet.start());
    go("notifications", () => this.notifications.start());
    go("presence", () => this.presence.start());
  }

  /** Re-reads snapshots after a reconnect (events missed while away are not replayed). */
  refresh(): void {
    if (this.started.has("kpi")) void this.kpi.refresh();
    if (this.started.has("fleet")) void this.fleet.refresh();
    if (this.started.has("notifications")) void this.notifications.refresh();
    if (this.started.has("presence")) void this.presence.refresh();
  }

  stop(): void {
    this.kpi.stop();
    this.fleet.stop();
    this.notifications.stop();
    this.presence.stop();
  }
}

/** Follows ConnStatus and keeps the right Session. */
export class SessionManager {
  session = $state.raw<Session | null>(null);
  private wasConnected = false;

  constructor(private api: Api) {}

  sync(status: ConnStatus | null): void {
    if (!status) return;
    const connected = status.state.kind === "connected";
    if (connected) {
      const key = serverKey(status);
      if (!this.session || this.session.key !== key) {
        this.session?.stop();
        this.session = new Session(key, this.api);
      } else if (!this.wasConnected) {
        this.session.refresh();
      }
      this.session.enable(status.capabilities);
    }
    this.wasConnected = connected;
  }
}
