import { describe, expect, it } from "vitest";
import { fleetApi } from "../api/fleet";
import type { FleetSnapshot } from "../api/types";
import type { Trip, Vehicle } from "../bindings";
import { FakeTransport, flush } from "../test/fakeTransport";
import { maskOf } from "../lib/vehicleFilter";
import { FleetStore, LARGE_FLEET, refreshInterval } from "./fleet.svelte";

const v = (id: string, plate: string, status: Vehicle["status"] = "active", extra: Partial<Vehicle> = {}): Vehicle => ({
  id,
  plateNumber: plate,
  status,
  lastUpdate: "2025-01-01T00:00:00Z",
  ...extra,
});
const pos = (vehicleId: string, lat: number, lng: number) => ({ vehicleId, location: { lat, lng, ts: "2025-01-01T00:00:05Z", speed: 30, heading: 10 } });
const trip = (id: string, vehicleId: string, status: Trip["status"] = "ongoing"): Trip => ({
  id,
  vehicleId,
  origin: { lat: 0, lng: 0 },
  destination: { lat: 1, lng: 1, name: "Depot" },
  status,
  progress: 0.4,
  distanceRemainingKm: 3.2,
  eta: "2025-01-01T01:00:00Z",
});

function setup(snapshot: FleetSnapshot | (() => Promise<FleetSnapshot>)) {
  const t = new FakeTransport().on("fleet_snapshot", snapshot);
  let anim = 0;
  const store = new FleetStore(fleetApi(t), { anim: () => anim, wall: () => 1_000, throttleMs: 10_000 });
  return { t, store, setAnim: (a: number) => (anim = a) };
}

describe("FleetStore", () => {
  it("loads the snapshot and counts vehicles", async () => {
    const { store } = setup({ vehicles: [v("V1", "B"), v("V2", "A", "idle")], trips: [trip("T1", "V1")], geofences: [] });
    await store.start();
    expect(store.load).toBe("ready");
    expect(store.count).toBe(2);
    expect(store.filtered).toEqual([1, 0]);
    expect(store.statusCounts.slice(0, 2)).toEqual([1, 1]);
    expect(store.details("V1")?.trip?.id).toBe("T1");
  });

  it("subscribes before the snapshot and replays what arrived meanwhile on top", async () => {
    let release!: (s: FleetSnapshot) => void;
    const { t, store } = setup(() => new Promise<FleetSnapshot>((r) => (release = r)));
    const started = store.start();
    await flush();
    expect(t.listenerCount("fleet_positions_stream")).toBe(1);
    t.emit("fleet_positions_stream", { updates: [pos("V1", 24.8, 46.7)], vehicles: [v("V1", "P1", "emergency")], trips: [] });
    expect(store.count).toBe(0); // queued
    release({ vehicles: [v("V1", "P1", "active", { location: { lat: 1, lng: 1, ts: "2025-01-01T00:00:00Z" } })], trips: [], geofences: [] });
    await started;
    const d = store.details("V1")!;
    expect(d.lat).toBe(24.8);
    expect(d.status).toBe("emergency");
  });

  it("coalesces many position batches into one Svelte update, but tells the map every time", async () => {
    const { t, store } = setup({ vehicles: [], trips: [], geofences: [] });
    await store.start();
    let mapCalls = 0;
    store.onChange(() => mapCalls++);
    const v0 = store.version;
    for (let k = 0; k < 5; k++) t.emit("fleet_positions_stream", { updates: [pos("V1", 24 + k * 0.001, 46), pos("V2", 25, 46)] });
    expect(mapCalls).toBe(5);
    expect(store.version).toBe(v0); // throttled
    store.flush();
    expect(store.version).toBe(v0 + 1);
    expect(store.count).toBe(2);
    expect(store.details("V1")?.lat).toBeCloseTo(24.004, 9);
    expect(store.table.posVersion).toBeGreaterThanOrEqual(10);
  });

  it("handles a 10,000-vehicle batch quickly", async () => {
    const { t, store } = setup({ vehicles: [], trips: [], geofences: [] });
    await store.start();
    const updates = Array.from({ length: 10_000 }, (_, k) => pos(`V${k}`, 24.5 + (k % 100) * 0.004, 46.5 + Math.floor(k / 100) * 0.004));
    t.emit("fleet_positions_stream", { updates });
    const t0 = performance.now();
    t.emit("fleet_positions_stream", { updates: updates.map((u) => ({ ...u, location: { ...u.location, lat: u.location.lat + 0.0001 } })) });
    const took = performance.now() - t0;
    store.flush();
    expect(store.count).toBe(10_000);
    expect(store.filtered.length).toBe(10_000);
    // a gross-regression guard only (CI machines are slow and shared); ~2 ms on a quiet laptop
    expect(took).toBeLessThan(500);
  });

  it("filters by search and status", async () => {
    const { store } = setup({
      vehicles: [v("V1", "RUH 1", "active", { name: "Truck" }), v("V2", "RUH 2", "idle"), v("V3", "JED 3", "emergency", { driverId: "alice" })],
      trips: [],
      geofences: [],
    });
    await store.start();
    store.setQuery("ruh");
    expect(store.filtered.map((i) => store.table.ids[i])).toEqual(["V1", "V2"]);
    store.setQuery("alice");
    expect(store.filtered.map((i) => store.table.ids[i])).toEqual(["V3"]);
    store.setQuery("");
    store.toggle("idle");
    expect(store.filtered.map((i) => store.table.ids[i])).toEqual(["V3", "V1"]);
    store.mask = maskOf(["emergency"]);
    expect(store.filtered.map((i) => store.table.ids[i])).toEqual(["V3"]);
    store.showAll();
    expect(store.filtered.length).toBe(3);
  });

  it("re-filters when a status changes", async () => {
    const { t, store } = setup({ vehicles: [v("V1", "A"), v("V2", "B")], trips: [], geofences: [] });
    await store.start();
    store.mask = maskOf(["emergency"]);
    expect(store.filtered).toEqual([]);
    t.emit("fleet_positions_stream", { updates: [], vehicles: [v("V2", "B", "emergency")], trips: [] });
    store.flush();
    expect(store.filtered).toEqual([1]);
  });

  it("selects a vehicle and shows its details, trip and ETA", async () => {
    const { t, store } = setup({ vehicles: [v("V1", "A", "active", { driverId: "bob", fuelLevel: 55 })], trips: [], geofences: [] });
    await store.start();
    let mapCalls = 0;
    store.onChange(() => mapCalls++);
    store.select("V1");
    expect(mapCalls).toBe(1);
    expect(store.selectedRow()).toBe(0);
    t.emit("fleet_positions_stream", { updates: [pos("V1", 24.7, 46.7)], vehicles: [], trips: [trip("T9", "V1")] });
    store.flush();
    const s = store.selected!;
    expect(s.driverId).toBe("bob");
    expect(s.fuel).toBe(55);
    expect(s.speed).toBe(30);
    expect(s.trip?.progress).toBe(0.4);
    expect(s.trip?.eta).toBe("2025-01-01T01:00:00Z");
    t.emit("fleet://trip", trip("T9", "V1", "completed"));
    store.flush();
    expect(store.selected!.trip).toBeNull();
    store.select("nope");
    expect(store.selected).toBeNull();
  });

  it("a positions batch read after a trip's closing does not reopen it", async () => {
    const { t, store } = setup({ vehicles: [v("V1", "A")], trips: [trip("T9", "V1")], geofences: [] });
    await store.start();
    t.emit("fleet://trip", trip("T9", "V1", "cancelled"));
    // The batch was sent before the closing, over the positions channel.
    t.emit("fleet_positions_stream", { updates: [pos("V1", 24.7, 46.7)], vehicles: [], trips: [trip("T9", "V1")] });
    store.flush();
    expect(store.tripOf("V1")).toBeNull();
    expect([...store.trips.keys()]).toEqual([]);
  });

  it("reports a failed snapshot as an error but keeps taking events", async () => {
    const t = new FakeTransport().on("fleet_snapshot", () => {
      throw "fleet not supported";
    });
    const store = new FleetStore(fleetApi(t), { throttleMs: 10_000 });
    await store.start();
    expect(store.load).toBe("error");
    expect(store.error).toBe("fleet not supported");
    t.emit("fleet_positions_stream", { updates: [pos("V1", 1, 1)] });
    store.flush();
    expect(store.count).toBe(1);
    store.stop();
    expect(t.listenerCount("fleet_positions_stream")).toBe(0);
  });
});

describe("refreshInterval", () => {
  it("refreshes a large fleet half as often", () => {
    expect(refreshInterval(10, 250)).toBe(250);
    expect(refreshInterval(LARGE_FLEET, 250)).toBe(250);
    expect(refreshInterval(LARGE_FLEET + 1, 250)).toBe(500);
    expect(refreshInterval(10_000, 100)).toBe(200);
  });
});
