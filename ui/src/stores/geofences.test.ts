import { describe, expect, it } from "vitest";
import { ALERT_EVENTS, geofencesApi } from "../api/alerts";
import { fleetApi } from "../api/fleet";
import type { Geofence } from "../bindings";
import { FakeTransport } from "../test/fakeTransport";
import { FleetStore } from "./fleet.svelte";
import { GeofenceStore, VISIBLE_KEY } from "./geofences.svelte";

class MemoryStorage {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}

function setup(storage = new MemoryStorage()) {
  let fences: Geofence[] = [];
  const t = new FakeTransport()
    .on("geofences_create", (args: { request: { name: string; circle?: Geofence["circle"]; polygon?: Geofence["polygon"] } }) => {
      fences = [...fences, { id: `g${fences.length + 1}`, ...args.request }];
      return fences;
    })
    .on("geofences_delete", (args: { id: string }) => (fences = fences.filter((f) => f.id !== args.id)));
  const fleet = new FleetStore(fleetApi(t));
  const store = new GeofenceStore(geofencesApi(t), fleet, storage);
  return { t, fleet, store, storage };
}

describe("GeofenceStore", () => {
  it("remembers whether geofences are shown", () => {
    const { store, storage } = setup();
    expect(store.visible).toBe(true);
    store.setVisible(false);
    expect(storage.getItem(VISIBLE_KEY)).toBe("false");
    expect(setup(storage).store.visible).toBe(false);
  });

  it("draws a circle by two clicks and creates it", async () => {
    const { t, fleet, store } = setup();
    store.begin("circle");
    store.click([24.7, 46.7]);
    store.click([24.7 + 800 / 111_195, 46.7]);
    expect(store.problem).toMatch(/name/);
    expect(await store.save()).toBe(false);
    store.name = "Depot";
    expect(store.problem).toBeNull();
    expect(await store.save()).toBe(true);
    expect(t.calls.at(-1)).toEqual({ command: "geofences_create", args: { request: { name: "Depot", circle: { lat: 24.7, lng: 46.7, radiusM: 800 } } } });
    expect(fleet.geofences.map((g) => g.name)).toEqual(["Depot"]);
    expect(store.draft).toBeNull();
    expect(store.name).toBe("");
  });

  it("takes a typed centre and radius, and polygons by clicks", async () => {
    const { fleet, store } = setup();
    store.begin("circle");
    store.setCircle(24.1, 46.2, 300);
    store.name = "Typed";
    expect(await store.save()).toBe(true);
    store.begin("polygon");
    for (const p of [[24, 46], [24, 47], [25, 47]] as [number, number][]) store.click(p);
    store.undo();
    expect(store.problem).toMatch(/corners/);
    store.click([25, 47]);
    store.name = "Zone";
    expect(await store.save()).toBe(true);
    expect(fleet.geofences.map((g) => [g.name, g.circle?.radiusM ?? g.polygon?.length])).toEqual([["Typed", 300], ["Zone", 3]]);
  });

  it("keeps the draft and shows the error when the server refuses", async () => {
    const { t, store } = setup();
    t.on("geofences_create", () => {
      throw "forbidden";
    });
    store.begin("circle");
    store.setCircle(1, 2, 3);
    store.name = "X";
    expect(await store.save()).toBe(false);
    expect(store.error).toBe("forbidden");
    expect(store.draft).not.toBeNull();
    store.cancel();
    expect(store.draft).toBeNull();
    expect(store.error).toBeNull();
  });

  it("deletes, and follows fleet://geofences", async () => {
    const { t, fleet, store } = setup();
    await store.start();
    t.emit(ALERT_EVENTS.geofences, [{ id: "a", name: "A", circle: { lat: 0, lng: 0, radiusM: 5 } }]);
    expect(fleet.geofences.map((g) => g.id)).toEqual(["a"]);
    store.begin("circle");
    store.setCircle(1, 1, 10);
    store.name = "B";
    await store.save();
    await store.remove("g1");
    expect(fleet.geofences).toEqual([]);
    expect(store.deleting).toBeNull();
  });
});
