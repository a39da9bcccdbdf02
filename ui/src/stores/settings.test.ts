import { describe, expect, it } from "vitest";
import type { Settings } from "../api/types";
import { settingsApi } from "../api/settings";
import { FakeTransport } from "../test/fakeTransport";
import { SettingsStore, restartsServer, settingsErrors, validateListen, validateTileUrl, validateVehicles, resolveTheme } from "./settings.svelte";

const base: Settings = {
  embedded: { listen: "127.0.0.1:4700", simulator: true, vehicles: 200 },
  tileUrl: null,
  theme: "system",
  alertSounds: true,
};

describe("settings validation", () => {
  it("checks each field with a clear message", () => {
    expect(validateListen("0.0.0.0:4700")).toBeNull();
    expect(validateListen("4700")).toMatch(/host:port/);
    expect(validateListen("127.0.0.1:70000")).toMatch(/1–65535/);
    expect(validateTileUrl("https://t/{z}/{x}/{y}.png")).toBeNull();
    expect(validateTileUrl("https://t/{z}/{x}.png")).toMatch(/\{y\}/);
    expect(validateVehicles(50)).toBeNull();
    expect(validateVehicles(0)).toMatch(/1 to 100,000/);
    expect(validateVehicles(2.5)).not.toBeNull();
  });
  it("ignores the vehicle count while the simulator is off", () => {
    expect(settingsErrors({ ...base, embedded: { ...base.embedded, simulator: false, vehicles: 0 } }).vehicles).toBeNull();
    expect(settingsErrors({ ...base, embedded: { ...base.embedded, vehicles: 0 } }).vehicles).not.toBeNull();
  });
  it("knows which changes restart the embedded server", () => {
    expect(restartsServer(base, { ...base, theme: "dark", alertSounds: false })).toBe(false);
    expect(restartsServer(base, { ...base, embedded: { ...base.embedded, listen: "0.0.0.0:4700" } })).toBe(true);
    expect(restartsServer(base, { ...base, embedded: { ...base.embedded, vehicles: 10 } })).toBe(true);
  });
  it("resolves the theme", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("light", true)).toBe("light");
  });
});

describe("SettingsStore", () => {
  it("patches one field over the saved settings and refuses invalid drafts", async () => {
    const t = new FakeTransport();
    t.on("settings_get", base);
    t.on("settings_save", (args: Record<string, unknown> | undefined) => args?.settings);
    const store = new SettingsStore(settingsApi(t));
    await store.start();
    expect(await store.patch({ theme: "dark" })).toBe(true);
    expect(store.settings?.theme).toBe("dark");
    expect(t.calls.at(-1)?.args).toEqual({ settings: { ...base, theme: "dark" } });
    const n = t.calls.length;
    expect(await store.save({ ...base, embedded: { ...base.embedded, listen: "nope" } })).toBe(false);
    expect(store.error).toMatch(/host:port/);
    expect(t.calls.length).toBe(n);
  });
  it("shows the shell's refusal", async () => {
    const t = new FakeTransport();
    t.on("settings_get", base);
    t.on("settings_save", () => {
      throw "cannot listen on 127.0.0.1:80: permission denied";
    });
    const store = new SettingsStore(settingsApi(t));
    await store.start();
    expect(await store.patch({ alertSounds: false })).toBe(false);
    expect(store.error).toMatch(/permission denied/);
    expect(store.settings?.alertSounds).toBe(true);
  });
});
