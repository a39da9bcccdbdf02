// Connection domain: the shell's ConnStatus (fed by `conn://status`), server profiles, and
// the capabilities the rest of the UI is laid out with.
import type { ConnectionApi } from "../api/connection";
import type { ProfilesApi } from "../api/profiles";
import { errorMessage, type Unlisten } from "../api/transport";
import type { Capabilities, ConnStatus, Profile, ProfileInput, ProfileTestResult } from "../api/types";
import { effectiveCapabilities, serverKey, type LastKnown } from "../lib/nav";

export type Load = "idle" | "loading" | "ready" | "error";

/** "Connected", "Reconnecting (attempt 3, retry in 2.0 s)", ... for the status bar. */
export function describeState(status: ConnStatus | null): string {
  if (!status) return "Unknown";
  const s = status.state;
  switch (s.kind) {
    case "connecting":
      return s.attempt > 1 ? `Connecting (attempt ${s.attempt})` : "Connecting";
    case "connected":
      return "Connected";
    case "reconnecting":
      return `Reconnecting (attempt ${s.attempt}, retry in ${(s.retryInMs / 1000).toFixed(1)} s)`;
    case "disconnected":
      return s.reason ? `Disconnected: ${s.reason}` : "Disconnected";
    case "authFailed":
      return `Authentication failed: ${s.message}`;
  }
}

/** Colour class of a state: ok, warn, bad. */
export function stateTone(status: ConnStatus | null): "ok" | "warn" | "bad" {
  const k = status?.state.kind;
  if (k === "connected") return "ok";
  if (k === "connecting" || k === "reconnecting") return "warn";
  return "bad";
}

export class ConnectionStore {
  status = $state.raw<ConnStatus | null>(null);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  profiles = $state.raw<Profile[]>([]);
  profilesError = $state<string | null>(null);
  /** A switch or profile operation in flight. */
  busy = $state(false);
  testResult = $state.raw<ProfileTestResult | null>(null);
  private last = $state.raw<LastKnown>(null);
  private unlisten: Unlisten[] = [];
  private stopped = false;

  /** Keeps a subscription, or drops it at once if stop() came first. */
  private async keep(p: Promise<Unlisten>): Promise<void> {
    const u = await p;
    if (this.stopped) u();
    else this.unlisten.push(u);
  }

  capabilities: Capabilities | null = $derived(effectiveCapabilities(this.status, this.last));

  constructor(
    private conn: ConnectionApi,
    private profileApi: ProfilesApi,
  ) {}

  async start(): Promise<void> {
    this.load = "loading";
    await this.keep(this.conn.onStatus((s) => this.apply(s)));
    try {
      const s = await this.conn.status();
      // An event may have arrived while the command was in flight; it is at least as new.
      if (!this.status) this.apply(s);
      this.load = "ready";
    } catch (e) {
      this.error = errorMessage(e);
      this.load = "error";
    }
    await this.refreshProfiles();
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unlisten.splice(0)) u();
  }

  apply(s: ConnStatus): void {
    this.status = s;
    this.error = null;
    if (this.load !== "ready") this.load = "ready";
    if (s.state.kind === "connected") this.last = { key: serverKey(s), caps: s.capabilities };
  }

  async refreshProfiles(): Promise<void> {
    try {
      this.profiles = await this.profileApi.list();
      this.profilesError = null;
    } catch (e) {
      this.profilesError = errorMessage(e);
    }
  }

  private async run<T>(f: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    try {
      const r = await f();
      this.error = null;
      return r;
    } catch (e) {
      this.error = errorMessage(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  async useEmbedded(): Promise<void> {
    const s = await this.run(() => this.conn.useEmbedded());
    if (s) this.apply(s);
  }

  async useProfile(id: string): Promise<void> {
    const s = await this.run(() => this.conn.useProfile(id));
    if (s) this.apply(s);
  }

  async saveProfile(p: ProfileInput): Promise<Profile | undefined> {
    const saved = await this.run(() => this.profileApi.save(p));
    if (saved) await this.refreshProfiles();
    return saved;
  }

  async deleteProfile(id: string): Promise<void> {
    await this.run(() => this.profileApi.remove(id));
    await this.refreshProfiles();
  }

  async testProfile(url: string, token?: string): Promise<ProfileTestResult | undefined> {
    this.testResult = null;
    const r = await this.run(() => this.profileApi.test(url, token));
    if (r) this.testResult = r;
    return r;
  }
}
