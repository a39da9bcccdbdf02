import { describe, expect, it } from "vitest";
import type { SocketInfo, Stats } from "../bindings";
import { serverApi } from "../api/server";
import { FakeTransport, flush } from "../test/fakeTransport";
import { ServerStore, filterSockets, mintRequest, validateMint, visibleRooms, type MintForm } from "./server.svelte";

const sock = (socketId: string, userId: string, role: SocketInfo["role"], rooms: string[] = []): SocketInfo => ({
  socketId, userId, name: userId.toUpperCase(), role, connectedAt: "2026-01-01T00:00:00Z", transport: "websocket",
  rooms: [socketId, `user:${userId}`, `role:${role}`, ...rooms], remoteAddr: "127.0.0.1:5000", node: "n1",
});
const stats = (connections: number): Stats => ({
  connections, users: 1, rooms: 1, eventsInPerSec: 1, eventsOutPerSec: 2, bytesOutPerSec: 3, rssBytes: 4, uptimeS: 5, nodes: 1,
});
const form = (over: Partial<MintForm> = {}): MintForm => ({
  sub: "truck-7", role: "device", name: "Truck 7", ttlHours: 24, vehicleId: "V-7", url: "http://127.0.0.1:4700", ...over,
});

describe("sockets table helpers", () => {
  const all = [sock("a1", "alice", "admin"), sock("b2", "bob", "driver", ["vehicle:V-9"])];
  it("searches users, roles and rooms", () => {
    expect(filterSockets(all, "")).toHaveLength(2);
    expect(filterSockets(all, "BOB").map((s) => s.socketId)).toEqual(["b2"]);
    expect(filterSockets(all, "admin").map((s) => s.socketId)).toEqual(["a1"]);
    expect(filterSockets(all, "v-9").map((s) => s.socketId)).toEqual(["b2"]);
    expect(filterSockets(all, "nobody")).toEqual([]);
  });
  it("hides identity rooms", () => {
    expect(visibleRooms(all[1])).toEqual(["vehicle:V-9"]);
  });
});

describe("mint form", () => {
  it("validates like the shell", () => {
    expect(validateMint(form())).toBeNull();
    expect(validateMint(form({ vehicleId: "" }))).toMatch(/vehicle id/);
    expect(validateMint(form({ role: "viewer", vehicleId: "" }))).toBeNull();
    expect(validateMint(form({ sub: "a b" }))).toMatch(/User id/);
    expect(validateMint(form({ name: " " }))).toMatch(/name/);
    expect(validateMint(form({ ttlHours: 0 }))).toMatch(/Lifetime/);
    expect(validateMint(form({ url: "" }))).toMatch(/address/);
  });
  it("sends a vehicle id for devices only", () => {
    expect(mintRequest(form()).vehicleId).toBe("V-7");
    expect("vehicleId" in mintRequest(form({ role: "dispatcher" }))).toBe(false);
  });
});

describe("ServerStore", () => {
  it("loads sockets, keeps stats and refreshes after a disconnect", async () => {
    const t = new FakeTransport();
    let list = [sock("a1", "alice", "admin"), sock("b2", "bob", "driver")];
    t.on("server_sockets", () => list);
    t.on("server_disconnect", (args: Record<string, unknown> | undefined) => {
      list = list.filter((s) => s.socketId !== args?.socketId);
    });
    let now = 1_000;
    const store = new ServerStore(serverApi(t), () => now);
    await store.start();
    expect(store.load).toBe("ready");
    expect(store.sockets).toHaveLength(2);
    t.emit("admin://stats", stats(2));
    now += 1000;
    t.emit("admin://stats", stats(3));
    expect(store.samples).toHaveLength(2);
    expect(store.latest?.connections).toBe(3);
    expect(await store.disconnect("b2")).toBe(true);
    expect(t.calls.find((c) => c.command === "server_disconnect")?.args).toEqual({ socketId: "b2" });
    expect(store.sockets.map((s) => s.socketId)).toEqual(["a1"]);
    store.stop();
    t.emit("admin://stats", stats(9));
    expect(store.latest?.connections).toBe(3);
  });

  it("re-reads the table when the stats count other sockets", async () => {
    const t = new FakeTransport();
    let list = [sock("a1", "alice", "admin")];
    t.on("server_sockets", () => list);
    const store = new ServerStore(serverApi(t));
    await store.start();
    const reads = () => t.commands().filter((c) => c === "server_sockets").length;
    t.emit("admin://stats", stats(1));
    expect(reads()).toBe(1); // in step: no extra read
    list = [...list, sock("b2", "bob", "driver")];
    t.emit("admin://stats", stats(2));
    await flush();
    expect(reads()).toBe(2);
    expect(store.sockets.map((s) => s.socketId)).toEqual(["a1", "b2"]);
  });

  it("shows errors: load, disconnect and mint", async () => {
    const t = new FakeTransport();
    t.on("server_sockets", () => {
      throw "operations are not available";
    });
    t.on("server_disconnect", () => {
      throw "no such socket";
    });
    const store = new ServerStore(serverApi(t));
    await store.start();
    await flush();
    expect(store.load).toBe("error");
    expect(store.error).toMatch(/not available/);
    expect(await store.disconnect("zz")).toBe(false);
    expect(store.actionError).toBe("no such socket");
    expect(await store.mint(form({ vehicleId: "" }))).toBe(false);
    expect(store.mintError).toMatch(/vehicle id/);
    expect(t.commands()).not.toContain("server_mint_token");
  });

  it("mints through the shell", async () => {
    const t = new FakeTransport();
    t.on("server_mint_token", (args: Record<string, unknown> | undefined) => ({ token: "jwt", expiresAt: "x", payload: JSON.stringify(args?.request), qrSvg: "<svg/>" }));
    const store = new ServerStore(serverApi(t));
    expect(await store.mint(form())).toBe(true);
    expect(store.minted?.token).toBe("jwt");
    expect(JSON.parse(store.minted!.payload)).toMatchObject({ sub: "truck-7", role: "device", vehicleId: "V-7", ttlHours: 24 });
  });
});
