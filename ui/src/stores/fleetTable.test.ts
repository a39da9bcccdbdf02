import { describe, expect, it } from "vitest";
import type { Vehicle } from "../bindings";
import { mercX, mercY } from "../lib/geo";
import { FleetTable, GLIDE_MAX_MS, TRAIL_LEN } from "./fleetTable";

const loc = (lat: number, lng: number, ts = "2025-01-01T00:00:00Z", heading?: number, speed?: number) => ({ lat, lng, ts, heading, speed });

describe("FleetTable", () => {
  it("creates rows for unknown vehicles on first position, as active", () => {
    const t = new FleetTable();
    const added = t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.6) }], 0, 1000);
    expect(added).toBe(1);
    expect(t.count).toBe(1);
    expect(t.statusOf(0)).toBe("active");
    expect(t.lat[0]).toBe(24.7);
    expect(t.seenAt[0]).toBe(1000);
    expect(t.displayX(0, 0)).toBeCloseTo(mercX(46.6), 12);
  });

  it("glides from the drawn position to a new fix over the gap between fixes", () => {
    const t = new FleetTable();
    t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.6) }], 0, 0);
    t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.61, "t2", 90, 40) }], 1000, 0);
    expect(t.t1[0] - t.t0[0]).toBe(1000);
    const x0 = mercX(46.6);
    const x1 = mercX(46.61);
    expect(t.displayX(0, 1000)).toBeCloseTo(x0, 12);
    expect(t.displayX(0, 1500)).toBeCloseTo((x0 + x1) / 2, 12);
    expect(t.displayX(0, 5000)).toBeCloseTo(x1, 12);
    expect(t.heading[0]).toBe(90);
    expect(t.speed[0]).toBe(40);
    expect(t.anyGliding(1200)).toBe(true);
    expect(t.anyGliding(2001)).toBe(false);
  });

  it("caps the glide and jumps straight to far-away fixes", () => {
    const t = new FleetTable();
    t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.6) }], 0, 0);
    t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.6001) }], 60_000, 0);
    expect(t.t1[0] - t.t0[0]).toBe(GLIDE_MAX_MS);
    t.applyPositions([{ vehicleId: "V1", location: loc(21.5, 39.2) }], 61_000, 0);
    expect(t.displayX(0, 61_000)).toBeCloseTo(mercX(39.2), 12);
    expect(t.trailLen[0]).toBe(1);
  });

  it("keeps the last TRAIL_LEN distinct positions as a trail", () => {
    const t = new FleetTable();
    for (let k = 0; k < TRAIL_LEN + 3; k++) t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.6 + k * 0.001) }], k * 1000, 0);
    t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.6 + (TRAIL_LEN + 2) * 0.001) }], 50_000, 0);
    expect(t.trailLen[0]).toBe(TRAIL_LEN);
    expect(t.trailPoint(0, 0)[0]).toBeCloseTo(mercX(46.6 + (TRAIL_LEN + 2) * 0.001), 12);
    expect(t.trailPoint(0, TRAIL_LEN - 1)[0]).toBeCloseTo(mercX(46.6 + 3 * 0.001), 12);
    expect(t.trailPoint(0, 0)[1]).toBeCloseTo(mercY(24.7), 12);
  });

  it("moves the newest trail point for fixes closer than TRAIL_EVERY_MS", () => {
    const t = new FleetTable();
    for (let k = 0; k < 5; k++) t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.6 + k * 0.001) }], k * 100, 0);
    expect(t.trailLen[0]).toBe(2);
    expect(t.trailPoint(0, 0)[0]).toBeCloseTo(mercX(46.604), 12);
    expect(t.trailPoint(0, 1)[0]).toBeCloseTo(mercX(46.6), 12);
    t.applyPositions([{ vehicleId: "V1", location: loc(24.7, 46.61) }], 1200, 0);
    expect(t.trailLen[0]).toBe(3);
  });

  it("grows past its capacity and keeps data", () => {
    const t = new FleetTable();
    const updates = Array.from({ length: 10_000 }, (_, k) => ({ vehicleId: `V${k}`, location: loc(24 + k * 1e-4, 46) }));
    t.applyPositions(updates, 0, 0);
    expect(t.count).toBe(10_000);
    expect(t.capacity).toBeGreaterThanOrEqual(10_000);
    expect(t.lat[9999]).toBeCloseTo(24.9999, 8);
    expect(t.index.get("V5000")).toBe(5000);
  });

  it("applies records: plate, status, fuel, and seeds a position", () => {
    const t = new FleetTable();
    const v: Vehicle = { id: "V9", plateNumber: "ZZ 9", status: "maintenance", fuelLevel: 40, lastUpdate: "x", location: loc(1, 2, "2025-01-01T00:00:00Z") };
    const i = t.upsertVehicle(v, 0, 0);
    expect(t.statusOf(i)).toBe("maintenance");
    expect(t.fuel[i]).toBe(40);
    expect(t.lat[i]).toBe(1);
    // an older record location does not move a live position back
    t.applyPositions([{ vehicleId: "V9", location: loc(5, 6, "2025-01-01T00:01:00Z") }], 10, 0);
    t.upsertVehicle({ ...v, location: loc(1, 2, "2025-01-01T00:00:30Z") }, 20, 0);
    expect(t.lat[i]).toBe(5);
  });

  it("sorts the display order by plate, and finds the nearest marker", () => {
    const t = new FleetTable();
    t.upsertVehicle({ id: "a", plateNumber: "B 2", status: "idle", lastUpdate: "" }, 0, 0);
    t.upsertVehicle({ id: "b", plateNumber: "A 1", status: "idle", lastUpdate: "", location: loc(0, 0) }, 0, 0);
    expect(Array.from(t.displayOrder())).toEqual([1, 0]);
    expect(t.nearest(mercX(0.0001), mercY(0), 0.001, 0)).toBe(1);
    expect(t.nearest(0.9, 0.9, 0.001, 0)).toBe(-1);
    expect(t.countInBox(0, 0, 1, 1)).toBe(1);
  });
});
