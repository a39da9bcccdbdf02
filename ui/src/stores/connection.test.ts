import { describe, expect, it } from "vitest";
import { connectionApi } from "../api/connection";
import { profilesApi } from "../api/profiles";
import { settingsApi } from "../api/settings";
import type { Capabilities, ConnStatus, Settings } from "../api/types";
import { NO_CAPABILITIES } from "../api/types";
import { FakeTransport } from "../test/fakeTransport";
import { visibleViews } from "../lib/nav";
import { ConnectionStore, describeState, stateTone } from "./connection.svelte";
import { SettingsStore, resolveTheme, validateListen, validateTileUrl } from "./settings.svelte";

const ALL: Capabilities = { presence: true, notifications: true, fleet: true, kpi: true, chat: true, admin: true };
const ERP: Capabilities = { ...NO_CAPABILITIES, kpi: true };

function st(state: ConnStatus["state"], caps: Capabilities = ALL, over: Partial<ConnStatus> = {}): ConnStatus {
  return { mode: "embedded", profileId: null, serverUrl: "http://127.0.0.1:4700", state, latencyMs: 3, user: { id: "me", name: "Me", role: "admin" }, capabilities: caps, embedded: { listen: "127.0.0.1:4700", simulator: true, vehicles: 500 }, keyringWarning: null, ...over };
}

function setup(initial: ConnStatus) {
  const t = new FakeTransport()
    .on("connection_status", initial)
    .on("profiles_list", [{ id: "p1", name: "HQ", url: "https://hq", hasToken: true }])
    .on("connection_use_profile", (a: { id: string }) => st({ kind: "connecting", attempt: 1 }, NO_CAPABILITIES, { mode: "remote", profileId: a.id, serverUrl: "https://hq" }))
    .on("connection_use_embedded", st({ kind: "connecting", attempt: 1 }, NO_CAPABILITIES));
  const store = new ConnectionStore(connectionApi(t), profilesApi(t));
  return { t, store };
}

describe("ConnectionStore", () => {
  it("loads the status and profiles and exposes capabilities", async () => {
    const { store } = setup(st({ kind: "connected", socketId: "s" }));
    await store.start();
    expect(store.load).toBe("ready");
    expect(store.profiles.map((p) => p.id)).toEqual(["p1"]);
    expect(visibleViews(store.capabilities)).toEqual(["overview", "fleet", "alerts", "notifications", "people", "chat", "server", "settings", "connection"]);
  });

  it("follows conn://status, keeping screens while reconnecting to the same server", async () => {
    const { t, store } = setup(st({ kind: "connected", socketId: "s" }));
    await store.start();
    t.emit("conn://status", st({ kind: "reconnecting", attempt: 2, retryInMs: 1500 }, NO_CAPABILITIES, { latencyMs: null }));
    expect(describeState(store.status)).toBe("Reconnecting (attempt 2, retry in 1.5 s)");
    expect(stateTone(store.status)).toBe("warn");
    expect(store.capabilities).toEqual(ALL);
    t.emit("conn://status", st({ kind: "connected", socketId: "s2" }, ERP, { latencyMs: 9 }));
    expect(visibleViews(store.capabilities)).toEqual(["overview", "settings", "connection"]);
    expect(store.status?.latencyMs).toBe(9);
  });

  it("drops screens when switching to another server until it connects", async () => {
    const { t, store } = setup(st({ kind: "connected", socketId: "s" }));
    await store.start();
    await store.useProfile("p1");
    expect(t.calls.at(-1)).toEqual({ command: "connection_use_profile", args: { id: "p1" } });
    expect(store.status?.profileId).toBe("p1");
    expect(store.capabilities).toBeNull();
  });

  it("shows command failures as an error", async () => {
    const { t, store } = setup(st({ kind: "disconnected", reason: "" }));
    t.on("connection_use_profile", () => {
      throw "unknown profile";
    });
    await store.start();
    await store.useProfile("zz");
    expect(store.error).toBe("unknown profile");
    expect(store.busy).toBe(false);
  });

  it("saves, tests and deletes profiles through the shell", async () => {
    const { t, store } = setup(st({ kind: "connected", socketId: "s" }));
    t.on("profiles_save", { id: "p2", name: "Lab", url: "http://lab", hasToken: true });
    t.on("profiles_delete", undefined);
    t.on("profiles_test", { ok: true, message: "ok", latencyMs: 12 });
    await store.start();
    await store.saveProfile({ name: "Lab", url: "http://lab", token: "secret" });
    expect(t.calls.find((c) => c.command === "profiles_save")?.args).toEqual({ profile: { name: "Lab", url: "http://lab", token: "secret" } });
    expect((await store.testProfile("http://lab"))?.latencyMs).toBe(12);
    expect(t.calls.find((c) => c.command === "profiles_test")?.args).toEqual({ url: "http://lab" });
    await store.deleteProfile("p2");
    expect(t.calls.find((c) => c.command === "profiles_delete")?.args).toEqual({ id: "p2" });
  });

  it("describes every state", () => {
    expect(describeState(null)).toBe("Unknown");
    expect(describeState(st({ kind: "connecting", attempt: 1 }))).toBe("Connecting");
    expect(describeState(st({ kind: "connecting", attempt: 3 }))).toBe("Connecting (attempt 3)");
    expect(describeState(st({ kind: "disconnected", reason: "closed" }))).toBe("Disconnected: closed");
    expect(describeState(st({ kind: "authFailed", message: "bad token" }))).toBe("Authentication failed: bad token");
    expect(stateTone(st({ kind: "authFailed", message: "" }))).toBe("bad");
  });
});

describe("SettingsStore", () => {
  const settings: Settings = { embedded: { listen: "127.0.0.1:4700", simulator: true, vehicles: 500 }, tileUrl: null, theme: "system", alertSounds: true };

  it("loads and saves settings, normalizing an empty tile URL", async () => {
    const t = new FakeTransport().on("settings_get", settings).on("settings_save", (a: { settings: Settings }) => a.settings);
    const store = new SettingsStore(settingsApi(t));
    await store.start();
    expect(store.settings).toEqual(settings);
    expect(await store.save({ ...settings, tileUrl: "  ", theme: "dark" })).toBe(true);
    expect(t.calls.at(-1)?.args).toEqual({ settings: { ...settings, tileUrl: null, theme: "dark" } });
  });

  it("refuses invalid values without calling the shell", async () => {
    const t = new FakeTransport().on("settings_get", settings);
    const store = new SettingsStore(settingsApi(t));
    await store.start();
    expect(await store.save({ ...settings, tileUrl: "ftp://x/{z}/{x}/{y}" })).toBe(false);
    expect(store.error).toMatch(/http/);
    expect(t.commands()).toEqual(["settings_get"]);
  });

  it("validates tile URLs, listen addresses and resolves the theme", () => {
    expect(validateTileUrl("https://tile.openstreetmap.org/{z}/{x}/{y}.png")).toBeNull();
    expect(validateTileUrl("https://tiles/{z}/{x}.png")).toMatch(/\{y\}/);
    expect(validateTileUrl("")).toBeNull();
    expect(validateListen("127.0.0.1:4700")).toBeNull();
    expect(validateListen("localhost")).toMatch(/host:port/);
    expect(validateListen("h:70000")).toMatch(/port/);
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme(undefined, true)).toBe("dark");
  });
});
