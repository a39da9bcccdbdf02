// Server domain (operations over `/admin`): the live stats window, the sockets table, and in
// embedded mode the server's addresses and token minting.
import type { Role, SocketInfo, Stats } from "../bindings";
import type { MintedToken, MintRequest, ServerAddresses } from "../bindings/app";
import type { ServerApi } from "../api/server";
import { errorMessage, type Unlisten } from "../api/transport";
import { pushSample, type Sample } from "../lib/statsChart";
import type { Load } from "./connection.svelte";

/** Sockets matching `query` (user id, name, role, transport, a room or the socket id). */
export function filterSockets(sockets: readonly SocketInfo[], query: string): SocketInfo[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...sockets];
  return sockets.filter(
    (s) =>
      s.userId.toLowerCase().includes(q) ||
      s.name.toLowerCase().includes(q) ||
      s.role === q ||
      s.transport.toLowerCase() === q ||
      s.socketId.toLowerCase().includes(q) ||
      s.rooms.some((r) => r.toLowerCase().includes(q)),
  );
}

/** Rooms worth showing: identity rooms (`user:…`, `role:…`) and the socket's own id room left out. */
export function visibleRooms(s: SocketInfo): string[] {
  return s.rooms.filter((r) => r !== s.socketId && !r.startsWith("user:") && !r.startsWith("role:"));
}

export type MintForm = { sub: string; role: Role; name: string; ttlHours: number; vehicleId: string; url: string };

/** Checks the mint form as the shell will; returns the first problem or null. */
export function validateMint(f: MintForm): string | null {
  if (!/^[A-Za-z0-9_.:@-]{1,64}$/.test(f.sub.trim())) return "User id: 1–64 letters, digits or _ . : @ -";
  if (!f.name.trim()) return "A display name is required.";
  if (!Number.isInteger(f.ttlHours) || f.ttlHours < 1 || f.ttlHours > 24 * 365 * 5) return "Lifetime: 1 hour to 5 years.";
  if (f.role === "device" && !/^[A-Za-z0-9_.:@-]{1,64}$/.test(f.vehicleId.trim())) return "A device token needs a vehicle id.";
  if (!/^https?:\/\/\S+$/.test(f.url)) return "Choose the address devices will dial.";
  return null;
}

/** The request the shell expects for a valid form. */
export function mintRequest(f: MintForm): MintRequest {
  const r: MintRequest = { sub: f.sub.trim(), role: f.role, name: f.name.trim(), ttlHours: f.ttlHours, url: f.url };
  if (f.role === "device") r.vehicleId = f.vehicleId.trim();
  return r;
}

export class ServerStore {
  samples = $state.raw<Sample[]>([]);
  sockets = $state.raw<SocketInfo[]>([]);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  actionError = $state<string | null>(null);
  addresses = $state.raw<ServerAddresses | null>(null);
  addressesError = $state<string | null>(null);
  minted = $state.raw<MintedToken | null>(null);
  minting = $state(false);
  mintError = $state<string | null>(null);
  private unlisten: Unlisten[] = [];
  private stopped = false;
  private refreshing = false;

  constructor(private api: ServerApi, private now: () => number = Date.now) {}

  async start(): Promise<void> {
    const u = await this.api.onStats((s) => this.applyStats(s));
    if (this.stopped) u();
    else this.unlisten.push(u);
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unlisten.splice(0)) u();
  }

  /** Keeps a sample; when the server counts other sockets than the table shows, re-reads it. */
  applyStats(stats: Stats): void {
    this.samples = pushSample(this.samples, { t: this.now(), stats });
    if (this.load === "ready" && !this.refreshing && stats.connections !== this.sockets.length) void this.refresh();
  }

  get latest(): Stats | null {
    return this.samples.at(-1)?.stats ?? null;
  }

  /** Re-reads the sockets table. */
  async refresh(): Promise<void> {
    if (this.load !== "ready") this.load = "loading";
    this.refreshing = true;
    try {
      this.sockets = await this.api.sockets();
      this.load = "ready";
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
      if (this.load !== "ready") this.load = "error";
    } finally {
      this.refreshing = false;
    }
  }

  /** Closes one socket, then re-reads the table. */
  async disconnect(socketId: string): Promise<boolean> {
    try {
      await this.api.disconnect(socketId);
      this.actionError = null;
      this.sockets = this.sockets.filter((s) => s.socketId !== socketId);
      await this.refresh();
      return true;
    } catch (e) {
      this.actionError = errorMessage(e);
      return false;
    }
  }

  async loadAddresses(): Promise<void> {
    try {
      this.addresses = await this.api.addresses();
      this.addressesError = null;
    } catch (e) {
      this.addressesError = errorMessage(e);
    }
  }

  async mint(f: MintForm): Promise<boolean> {
    const problem = validateMint(f);
    if (problem) {
      this.mintError = problem;
      return false;
    }
    this.minting = true;
    try {
      this.minted = await this.api.mint(mintRequest(f));
      this.mintError = null;
      return true;
    } catch (e) {
      this.mintError = errorMessage(e);
      return false;
    } finally {
      this.minting = false;
    }
  }
}
