import { describe, expect, it } from "vitest";
import { alertsApi, ALERT_EVENTS } from "../api/alerts";
import type { Alert } from "../bindings";
import { FakeTransport, flush } from "../test/fakeTransport";
import { AlertStore } from "./alerts.svelte";

const alert = (id: string, priority: "high" | "critical", minute: number, extra: Partial<Alert> = {}): Alert => ({
  id,
  kind: "emergency",
  priority,
  vehicleId: "V-1",
  message: `${id} happened`,
  createdAt: `2026-01-01T12:${String(minute).padStart(2, "0")}:00Z`,
  ...extra,
});
const acked = (alertId: string, name = "Dana") => ({ alertId, ackedBy: { id: name.toLowerCase(), name }, ackedAt: "2026-01-01T13:00:00Z" });

function setup(list: Alert[] | (() => Alert[]) = []) {
  const t = new FakeTransport()
    .on("alerts_list", typeof list === "function" ? list : () => list)
    .on("alerts_ack", (args: { id: string }) => acked(args.id, "Me"));
  return { t, store: new AlertStore(alertsApi(t)) };
}

describe("AlertStore", () => {
  it("loads the feed in priority then time order and counts unacked critical alerts", async () => {
    const { store } = setup([alert("h", "high", 9), alert("c1", "critical", 1), alert("c2", "critical", 5)]);
    expect(store.load).toBe("idle");
    await store.start();
    expect(store.load).toBe("ready");
    expect(store.items.map((a) => a.id)).toEqual(["c2", "c1", "h"]);
    expect(store.unackedCritical).toBe(2);
  });

  it("shows an error state when the first listing fails, and recovers on refresh", async () => {
    let fail = true;
    const { store } = setup(() => {
      if (fail) throw "not connected";
      return [alert("a", "high", 1)];
    });
    await store.start();
    expect(store.load).toBe("error");
    expect(store.error).toBe("not connected");
    fail = false;
    await store.refresh();
    expect(store.load).toBe("ready");
    expect(store.error).toBeNull();
  });

  it("acks through the shell and shows who and when", async () => {
    const { t, store } = setup([alert("c1", "critical", 1)]);
    await store.start();
    await store.ack("c1");
    expect(t.calls.at(-1)).toEqual({ command: "alerts_ack", args: { id: "c1" } });
    expect(store.items[0].ackedBy?.name).toBe("Me");
    expect(store.items[0].ackedAt).toBe("2026-01-01T13:00:00Z");
    expect(store.unackedCritical).toBe(0);
    expect(store.acking.size).toBe(0);
  });

  it("keeps an ack error for the view and leaves the alert unacked", async () => {
    const { t, store } = setup([alert("c1", "critical", 1)]);
    t.on("alerts_ack", () => {
      throw "forbidden: needs role dispatcher";
    });
    await store.start();
    await store.ack("c1");
    expect(store.ackError).toMatch(/forbidden/);
    expect(store.items[0].ackedAt).toBeUndefined();
  });

  it("applies live acks, re-lists and the shell's count", async () => {
    const { t, store } = setup([alert("c1", "critical", 1)]);
    await store.start();
    t.emit(ALERT_EVENTS.acked, acked("c1", "Omar"));
    expect(store.items[0].ackedBy?.name).toBe("Omar");
    t.emit(ALERT_EVENTS.list, [alert("c1", "critical", 1), alert("new", "critical", 7)]);
    expect(store.items.map((a) => a.id)).toEqual(["new", "c1"]);
    expect(store.items[1].ackedBy?.name).toBe("Omar");
    t.emit(ALERT_EVENTS.unackedCritical, { count: 4 });
    expect(store.unackedCritical).toBe(4);
  });

  it("filters by kind, unacked only and text", async () => {
    const { store } = setup([alert("e", "critical", 3), alert("f", "high", 2, { kind: "low-fuel", vehicleId: "TRUCK-7" }), alert("g", "high", 1, { kind: "geofence", ackedAt: "2026-01-01T12:30:00Z", ackedBy: { id: "x", name: "X" } })]);
    await store.start();
    store.setFilter({ kind: "geofence" });
    expect(store.shown.map((a) => a.id)).toEqual(["g"]);
    store.setFilter({ kind: "all", unackedOnly: true });
    expect(store.shown.map((a) => a.id)).toEqual(["e", "f"]);
    store.setFilter({ text: "truck" });
    expect(store.shown.map((a) => a.id)).toEqual(["f"]);
  });

  it("stops listening when stopped", async () => {
    const { t, store } = setup([]);
    await store.start();
    expect(t.listenerCount(ALERT_EVENTS.acked)).toBe(1);
    store.stop();
    await flush();
    expect(t.listenerCount(ALERT_EVENTS.acked)).toBe(0);
  });
});
