import { describe, expect, it } from "vitest";
import { fleetApi } from "../api/fleet";
import { tripsApi } from "../api/trips";
import type { Trip } from "../bindings";
import type { ClosedTrip } from "../bindings/app";
import { FakeTransport, flush } from "../test/fakeTransport";
import { FleetStore } from "./fleet.svelte";
import { TripsStore } from "./trips.svelte";

const trip = (id: string, status: Trip["status"] = "ongoing", vehicleId = `V-${id}`): Trip => ({
  id,
  vehicleId,
  origin: { lat: 0, lng: 0 },
  destination: { lat: 1, lng: 1 },
  status,
  progress: 0.5,
  distanceRemainingKm: 2,
  eta: null,
});

async function setup(recent: ClosedTrip[] | (() => ClosedTrip[])) {
  const t = new FakeTransport()
    .on("fleet_snapshot", { vehicles: [], trips: [trip("T1")], geofences: [] })
    .on("trips_recent", recent);
  const fleet = new FleetStore(fleetApi(t), { throttleMs: 0 });
  await fleet.start();
  const store = new TripsStore(tripsApi(t), fleetApi(t), fleet);
  await store.ensureStarted();
  return { t, fleet, store };
}

describe("TripsStore", () => {
  it("lists open trips from the fleet and closed ones from trips_recent", async () => {
    const { store } = await setup([{ trip: trip("T0", "completed") }]);
    expect(store.load).toBe("ready");
    expect(store.rows.map((r) => [r.trip.id, r.open])).toEqual([["T1", true], ["T0", false]]);
  });

  it("moves a trip to closed on its event and reloads for the reason", async () => {
    let recent: ClosedTrip[] = [];
    const { t, fleet, store } = await setup(() => recent);
    recent = [{ trip: trip("T1", "cancelled"), reason: "no driver" }];
    t.emit("fleet://trip", trip("T1", "cancelled"));
    await flush();
    fleet.flush();
    expect(store.rows).toHaveLength(1);
    expect(store.rows[0]).toMatchObject({ open: false, reason: "no driver" });
    expect(t.commands().filter((c) => c === "trips_recent")).toHaveLength(2);
  });

  it("sends start, complete and cancel, and reports failures", async () => {
    const { t, store } = await setup([]);
    t.on("trips_start", { tripId: "T9" }).on("trips_cancel", null).on("trips_complete", () => {
      throw "trip T1 is already closed";
    });
    const req = { vehicleId: "V1", origin: { lat: 1, lng: 2 }, destination: { lat: 3, lng: 4 } };
    expect(await store.startTrip(req)).toBe("T9");
    expect(t.calls.find((c) => c.command === "trips_start")!.args).toEqual({ request: req });
    expect(await store.cancel("T1", "flat tyre")).toBe(true);
    expect(t.calls.find((c) => c.command === "trips_cancel")!.args).toEqual({ request: { tripId: "T1", reason: "flat tyre" } });
    expect(await store.complete("T1")).toBe(false);
    expect(store.actionError).toBe("trip T1 is already closed");
    expect(store.pending).toBeNull();
  });

  it("fetches open trips that vehicles point at but the app has not heard of", async () => {
    const t = new FakeTransport()
      .on("fleet_snapshot", {
        vehicles: [
          { id: "V1", plateNumber: "P1", status: "active", lastUpdate: "2026-01-01T00:00:00Z", tripId: "T1" },
          { id: "V2", plateNumber: "P2", status: "active", lastUpdate: "2026-01-01T00:00:00Z", tripId: "T2" },
        ],
        trips: [trip("T1", "ongoing", "V1")],
        geofences: [],
      })
      .on("trips_recent", [])
      .on("trips_fetch", (args: Record<string, unknown> | undefined) => (args!.tripIds as string[]).map((id) => trip(id, "started", "V2")));
    const fleet = new FleetStore(fleetApi(t), { throttleMs: 0 });
    await fleet.start();
    const store = new TripsStore(tripsApi(t), fleetApi(t), fleet);
    await store.ensureStarted();
    fleet.flush();
    expect(t.calls.find((c) => c.command === "trips_fetch")!.args).toEqual({ tripIds: ["T2"] });
    expect(store.rows.map((r) => r.trip.id).sort()).toEqual(["T1", "T2"]);
  });

  it("shows an error when the closed list cannot be read", async () => {
    const { store } = await setup(() => {
      throw "not connected";
    });
    expect(store.load).toBe("error");
    expect(store.error).toBe("not connected");
    store.stop();
  });
});
