import { describe, expect, it } from "vitest";
import { geofencesGeoJson, tripGeoJson } from "./overlays";
import { computeClusters, cellSize, clusterDiameter } from "./clusters";
import { FleetTable } from "../stores/fleetTable";
import { translated, projectToPixels } from "./gl";

describe("map overlays", () => {
  it("turns circle and polygon geofences into closed polygons", () => {
    const fc = geofencesGeoJson([
      { id: "c", name: "Depot", circle: { lat: 24.7, lng: 46.7, radiusM: 500 } },
      { id: "p", name: "Zone", polygon: [[24, 46], [24, 47], [25, 47]] },
      { id: "bad", name: "Empty" },
    ]);
    expect(fc.features.length).toBe(2);
    const poly = fc.features[1].geometry as { coordinates: number[][][] };
    expect(poly.coordinates[0][0]).toEqual([46, 24]);
    expect(poly.coordinates[0].at(-1)).toEqual([46, 24]);
    const circle = fc.features[0].geometry as { coordinates: number[][][] };
    expect(circle.coordinates[0][0][0]).toBeGreaterThan(46.7);
  });

  it("draws the selected trip as a line to its destination", () => {
    const trip = { id: "t", vehicleId: "v", origin: { lat: 0, lng: 0 }, destination: { lat: 1, lng: 2, name: "D" }, status: "ongoing" as const, progress: 0.5, distanceRemainingKm: 1, eta: null };
    expect(tripGeoJson(null, 0, 0).features).toEqual([]);
    expect(tripGeoJson(trip, 0.5, 0.5).features.length).toBe(2);
    expect(tripGeoJson(trip, null, null).features.length).toBe(1);
  });
});

describe("clusters", () => {
  it("bins vehicles per cell, counts emergencies, and respects the status mask", () => {
    const t = new FleetTable();
    const ts = "2025-01-01T00:00:00Z";
    t.applyPositions(
      [
        { vehicleId: "a", location: { lat: 24.7, lng: 46.7, ts } },
        { vehicleId: "b", location: { lat: 24.7001, lng: 46.7001, ts } },
        { vehicleId: "c", location: { lat: 10, lng: 10, ts } },
      ],
      0,
      0,
    );
    t.setStatus(1, "emergency");
    const c = computeClusters(t, 5);
    expect(c.length).toBe(2);
    const big = c.count[0] === 2 ? 0 : 1;
    expect(c.emergencies[big]).toBe(1);
    expect(c.status[big]).toBe(0); // one active, one emergency: ties go to the lower code
    expect(computeClusters(t, 5, 1 << 0).length).toBe(2); // only "active": a and c
    expect(cellSize(5)).toBeCloseTo(64 / (512 * 32), 12);
    expect(clusterDiameter(1)).toBe(14);
    expect(clusterDiameter(1e9)).toBe(56);
  });
});

describe("gl matrix helpers", () => {
  it("folds the origin into the matrix and projects to pixels", () => {
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const out = translated(identity, 0.5, 0.25, new Float32Array(16));
    expect(Array.from(out.slice(12))).toEqual([0.5, 0.25, 0, 1]);
    expect(projectToPixels(identity, 0, 0, 200, 100)).toEqual([100, 50]);
    expect(projectToPixels(identity, 1, 1, 200, 100)).toEqual([200, 0]);
  });
});
