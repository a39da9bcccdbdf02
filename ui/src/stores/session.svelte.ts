// The stores of one server connection. A new server (another profile, or embedded) gets a
// fresh Session, so nothing of the old server's data lingers; a reconnect to the same server
// keeps the Session and refreshes its snapshots. Domain stores start only when the server
// has their capability: the UI never calls commands a server cannot answer.
import type { Api } from "../api";
import type { Capabilities, ConnStatus } from "../api/types";
import { serverKey } from "../lib/nav";
import { AlertStore } from "./alerts.svelte";
import { FleetStore } from "./fleet.svelte";
import { GeofenceStore } from "./geofences.svelte";
import { HistoryStore } from "./history.svelte";
import { TripsStore } from "./trips.svelte";
import { KpiStore } from "./kpi.svelte";
import { NotificationStore } from "./notifications.svelte";
import { PresenceStore } from "./presence.svelte";
import { ServerStore } from "./server.svelte";
import { ChatStore } from "./chat.svelte";

export class Session {
  readonly kpi: KpiStore;
  readonly fleet: FleetStore;
  readonly alerts: AlertStore;
  readonly geofences: GeofenceStore;
  /** Started by the Fleet screen (ensureStarted). */
  readonly trips: TripsStore;
  readonly history: HistoryStore;
  readonly notifications: NotificationStore;
  readonly presence: PresenceStore;
  readonly server: ServerStore;
  readonly chat: ChatStore;
  private started = new Set<keyof Capabilities>();

  constructor(
    readonly key: string,
    api: Api,
  ) {
    this.kpi = new KpiStore(api.kpi);
    this.fleet = new FleetStore(api.fleet);
    this.alerts = new AlertStore(api.alerts);
    this.geofences = new GeofenceStore(api.geofences, this.fleet);
    this.trips = new TripsStore(api.trips, api.fleet, this.fleet);
    this.history = new HistoryStore(api.history);
    this.notifications = new NotificationStore(api.notifications);
    this.presence = new PresenceStore(api.presence);
    this.server = new ServerStore(api.server);
    this.chat = new ChatStore(api.chat);
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
    go("fleet", async () => {
      await Promise.all([this.fleet.start(), this.alerts.start(), this.geofences.start()]);
    });
    go("notifications", () => this.notifications.start());
    go("presence", () => this.presence.start());
    go("admin", () => this.server.start());
    go("chat", () => this.chat.start());
  }

  /** Re-reads snapshots after a reconnect (events missed while away are not replayed). */
  refresh(): void {
    if (this.started.has("kpi")) void this.kpi.refresh();
    if (this.started.has("fleet")) void this.fleet.refresh();
    if (this.started.has("fleet")) void this.alerts.refresh();
    if (this.started.has("fleet")) void this.trips.refresh();
    if (this.started.has("notifications")) void this.notifications.refresh();
    if (this.started.has("presence")) void this.presence.refresh();
    if (this.started.has("admin")) void this.server.refresh();
    if (this.started.has("chat")) void this.chat.refresh();
  }

  stop(): void {
    this.kpi.stop();
    this.fleet.stop();
    this.alerts.stop();
    this.geofences.stop();
    this.trips.stop();
    this.history.close();
    this.notifications.stop();
    this.presence.stop();
    this.server.stop();
    this.chat.stop();
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
      this.session.chat.me = status.user?.id ?? null;
      this.session.enable(status.capabilities);
    }
    this.wasConnected = connected;
  }
}
