import { describe, expect, it } from "vitest";
import type { Trip } from "../bindings";
import { canDispatch, etaLabel, holdOrder, missingTripIds, orderTrips, parsePlace, placeLabel, progressPercent } from "./trips";

const NOW = Date.parse("2026-01-01T10:00:00Z");
const iso = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();
const trip = (id: string, over: Partial<Trip> = {}): Trip => ({
  id,
  vehicleId: `veh-${id}`,
  origin: { lat: 24, lng: 46 },
  destination: { lat: 24.1, lng: 46.1, name: "Depot" },
  status: "ongoing",
  progress: 0.25,
  distanceRemainingKm: 4,
  eta: null,
  ...over,
});

describe("orderTrips", () => {
  it("puts open trips first by soonest ETA, unknown ETAs after, then closed newest first", () => {
    const rows = orderTrips(
      [
        trip("late", { eta: iso(30) }),
        trip("none-old", { startedAt: iso(-20) }),
        trip("soon", { eta: iso(5) }),
        trip("none-new", { startedAt: iso(-2) }),
      ],
      [
        { trip: trip("c-old", { status: "completed", completedAt: iso(-60) }) },
        { trip: trip("c-new", { status: "cancelled", completedAt: iso(-1) }), reason: "flat tyre" },
      ],
    );
    expect(rows.map((r) => r.trip.id)).toEqual(["soon", "late", "none-new", "none-old", "c-new", "c-old"]);
    expect(rows.map((r) => r.open)).toEqual([true, true, true, true, false, false]);
    expect(rows[4].reason).toBe("flat tyre");
  });
  it("shows a trip that closed while still listed as open once, as closed", () => {
    const rows = orderTrips([trip("a")], [{ trip: trip("a", { status: "cancelled" }), reason: "x" }]);
    expect(rows).toHaveLength(1);
    expect(rows[0].open).toBe(false);
  });
});

describe("holdOrder", () => {
  const ids = (rows: { trip: Trip }[]) => rows.map((r) => r.trip.id);
  it("keeps held open trips in place while the ETAs reorder them", () => {
    const before = orderTrips([trip("a", { eta: iso(5) }), trip("b", { eta: iso(10) }), trip("c", { eta: iso(15) })], []);
    const held = ids(before);
    // c is now due first, b has closed, d has opened; a closed trip stays in the closed part.
    const now = orderTrips(
      [trip("c", { eta: iso(1) }), trip("d", { eta: iso(2) }), trip("a", { eta: iso(5) })],
      [{ trip: trip("b", { status: "completed", completedAt: iso(0) }) }],
    );
    expect(ids(now)).toEqual(["c", "d", "a", "b"]);
    const shown = holdOrder(now, held);
    expect(ids(shown)).toEqual(["a", "c", "d", "b"]);
    expect(shown.map((r) => r.open)).toEqual([true, true, true, false]);
    expect(shown[0].trip.eta).toBe(iso(5));
  });
  it("is the given order when nothing is held", () => {
    const rows = orderTrips([trip("b", { eta: iso(10) }), trip("a", { eta: iso(5) })], []);
    expect(ids(holdOrder(rows, null))).toEqual(["a", "b"]);
  });
});

describe("labels", () => {
  it("formats ETAs relative to now", () => {
    expect(etaLabel(NOW, trip("a", { eta: iso(7) }))).toBe("in 7 min");
    expect(etaLabel(NOW, trip("a", { eta: iso(0.2) }))).toBe("due now");
    expect(etaLabel(NOW, trip("a", { eta: iso(-3) }))).toBe("late by 3 min");
    expect(etaLabel(NOW, trip("a", { eta: iso(150) }))).toBe("in 2 h 30 min");
    expect(etaLabel(NOW, trip("a"))).toBe("–");
    expect(etaLabel(NOW, trip("a", { eta: iso(7), status: "completed" }))).toBe("–");
  });
  it("progress and places", () => {
    expect(progressPercent(0.456)).toBe(46);
    expect(progressPercent(1.7)).toBe(100);
    expect(progressPercent(NaN)).toBe(0);
    expect(placeLabel({ lat: 24.5, lng: 46.25 })).toBe("24.50000, 46.25000");
    expect(placeLabel({ lat: 1, lng: 2, name: "Depot" })).toBe("Depot");
  });
});

describe("parsePlace", () => {
  it("accepts valid coordinates with an optional name", () => {
    expect(parsePlace("24.7", "46.6")).toEqual({ lat: 24.7, lng: 46.6 });
    expect(parsePlace(" 24.7 ", "46.6", " Depot ")).toEqual({ lat: 24.7, lng: 46.6, name: "Depot" });
  });
  it("says what is wrong", () => {
    expect(parsePlace("", "1")).toMatch(/click on the map/);
    expect(parsePlace("91", "1")).toMatch(/Latitude/);
    expect(parsePlace("1", "abc")).toMatch(/Longitude/);
    expect(parsePlace("1", "2", "x".repeat(201))).toMatch(/200/);
  });
  it("only dispatchers and admins dispatch", () => {
    expect(canDispatch("dispatcher")).toBe(true);
    expect(canDispatch("admin")).toBe(true);
    expect(canDispatch("viewer")).toBe(false);
    expect(canDispatch(null)).toBe(false);
  });
});

describe("missingTripIds", () => {
  it("lists trips vehicles point at that are not known, once each, capped", () => {
    const known = new Set(["T1"]);
    expect(missingTripIds(["T1", undefined, "T2", "T2", "T3"], (id) => known.has(id))).toEqual(["T2", "T3"]);
    expect(missingTripIds(["A", "B", "C"], () => false, 2)).toEqual(["A", "B"]);
    expect(missingTripIds([], () => false)).toEqual([]);
  });
});
