import { describe, expect, it } from "vitest";
import { createApi } from "../api";
import type { Capabilities, ConnStatus } from "../api/types";
import { NO_CAPABILITIES } from "../api/types";
import { FakeTransport, flush } from "../test/fakeTransport";
import { SessionManager } from "./session.svelte";

const ERP: Capabilities = { ...NO_CAPABILITIES, kpi: true };
const ALL: Capabilities = { presence: true, notifications: true, fleet: true, kpi: true, chat: false, admin: false };

function st(kind: "connected" | "reconnecting", caps: Capabilities, url = "http://a"): ConnStatus {
  return {
    mode: "remote",
    profileId: "p",
    serverUrl: url,
    state: kind === "connected" ? { kind, socketId: "s" } : { kind, attempt: 1, retryInMs: 500 },
    latencyMs: 1,
    user: null,
    capabilities: caps,
    embedded: null,
    keyringWarning: null,
  };
}

function transport() {
  return new FakeTransport()
    .on("kpi_snapshot", { modules: [], dashboard: null })
    .on("fleet_snapshot", { vehicles: [], trips: [], geofences: [] })
    .on("notifications_list", { items: [], nextCursor: null })
    .on("notifications_count", { count: 0 })
    .on("notifications_sent", [])
    .on("presence_list", []);
}

describe("SessionManager", () => {
  it("starts only the stores the server supports", async () => {
    const t = transport();
    const m = new SessionManager(createApi(t));
    m.sync(st("connected", ERP));
    await flush();
    expect(t.commands()).toEqual(["kpi_snapshot"]);
    expect(m.session).not.toBeNull();
  });

  it("keeps the session across a reconnect and refreshes its snapshots", async () => {
    const t = transport();
    const m = new SessionManager(createApi(t));
    m.sync(st("connected", ALL));
    await flush();
    const s = m.session;
    const before = t.calls.length;
    m.sync(st("reconnecting", NO_CAPABILITIES));
    m.sync(st("connected", ALL));
    await flush();
    expect(m.session).toBe(s);
    expect(t.commands().slice(before)).toEqual(expect.arrayContaining(["kpi_snapshot", "fleet_snapshot", "presence_list", "notifications_list"]));
  });

  it("replaces the session when switching servers", async () => {
    const t = transport();
    const m = new SessionManager(createApi(t));
    m.sync(st("connected", ALL));
    await flush();
    const s = m.session!;
    m.sync(st("connected", ERP, "http://b"));
    await flush();
    expect(m.session).not.toBe(s);
    expect(t.listenerCount("fleet_positions_stream")).toBe(0); // old session stopped, new has no fleet
  });

  it("does nothing before the first connection", () => {
    const m = new SessionManager(createApi(transport()));
    m.sync(null);
    m.sync(st("reconnecting", NO_CAPABILITIES));
    expect(m.session).toBeNull();
  });
});
