import { describe, expect, it } from "vitest";
import type { Capabilities, ConnStatus } from "../api/types";
import { NO_CAPABILITIES } from "../api/types";
import { canSendNotifications, effectiveCapabilities, resolveView, serverKey, viewFromHash, visibleViews } from "./nav";

const ALL: Capabilities = { presence: true, notifications: true, fleet: true, kpi: true, chat: true, admin: true };
const ERP: Capabilities = { ...NO_CAPABILITIES, kpi: true };

function status(kind: "connected" | "reconnecting" | "disconnected", caps: Capabilities, url = "ws://a"): ConnStatus {
  const state =
    kind === "connected"
      ? { kind, socketId: "s1" }
      : kind === "reconnecting"
        ? { kind, attempt: 2, retryInMs: 1000 }
        : { kind, reason: "bye" };
  return { mode: "remote", profileId: "p1", serverUrl: url, state, latencyMs: 5, user: null, capabilities: caps, embedded: null, keyringWarning: null };
}

describe("capability-based navigation", () => {
  it("offers every screen to a full server", () => {
    expect(visibleViews(ALL)).toEqual(["overview", "fleet", "alerts", "notifications", "people", "chat", "server", "settings", "connection"]);
  });

  it("offers only KPIs (and Connection) to an ERP-only server", () => {
    expect(visibleViews(ERP)).toEqual(["overview", "settings", "connection"]);
  });

  it("offers only Connection before any status", () => {
    expect(visibleViews(null)).toEqual(["settings", "connection"]);
    expect(visibleViews(NO_CAPABILITIES)).toEqual(["settings", "connection"]);
    // Settings is always there but never the screen one lands on.
    expect(resolveView(null, ["settings", "connection"])).toBe("connection");
    expect(resolveView("settings", ["settings", "connection"])).toBe("settings");
  });

  it("falls back to the first offered view", () => {
    expect(resolveView("fleet", ["overview", "connection"])).toBe("overview");
    expect(resolveView("fleet", ["overview", "fleet", "connection"])).toBe("fleet");
    expect(resolveView(null, ["connection"])).toBe("connection");
    expect(resolveView("people", [])).toBe("connection");
  });

  it("reads views from the hash", () => {
    expect(viewFromHash("#/fleet")).toBe("fleet");
    expect(viewFromHash("#people")).toBe("people");
    expect(viewFromHash("#/fleet/V-1")).toBe("fleet");
    expect(viewFromHash("#/nope")).toBeNull();
    expect(viewFromHash("")).toBeNull();
  });

  it("keeps the last capabilities while reconnecting to the same server only", () => {
    const up = status("connected", ALL);
    const last = { key: serverKey(up), caps: ALL };
    expect(effectiveCapabilities(up, null)).toEqual(ALL);
    expect(effectiveCapabilities(status("reconnecting", NO_CAPABILITIES), last)).toEqual(ALL);
    expect(effectiveCapabilities(status("reconnecting", NO_CAPABILITIES, "ws://b"), last)).toBeNull();
    expect(effectiveCapabilities(status("disconnected", NO_CAPABILITIES), null)).toBeNull();
    expect(effectiveCapabilities(null, last)).toBeNull();
  });

  it("lets dispatchers and admins send", () => {
    expect(canSendNotifications("admin")).toBe(true);
    expect(canSendNotifications("dispatcher")).toBe(true);
    expect(canSendNotifications("viewer")).toBe(false);
    expect(canSendNotifications("device")).toBe(false);
    expect(canSendNotifications(null)).toBe(false);
  });
});
