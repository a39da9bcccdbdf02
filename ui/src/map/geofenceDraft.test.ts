import { describe, expect, it } from "vitest";
import { addPoint, distanceM, draftGeoJson, draftProblem, emptyDraft, formatRadius, labelAnchor, toRequest, undo, type Draft } from "./geofenceDraft";

describe("geofence drafts", () => {
  it("measures great-circle distances", () => {
    expect(distanceM([0, 0], [0, 1])).toBeCloseTo(111_195, -2);
    expect(distanceM([24.7, 46.7], [24.7, 46.7])).toBe(0);
    // 1 km north of Riyadh.
    expect(distanceM([24.7, 46.7], [24.7 + 1000 / 111_195, 46.7])).toBeCloseTo(1000, 0);
  });

  it("builds a circle from a centre click and an edge click", () => {
    let d: Draft = emptyDraft("circle");
    expect(draftProblem(d, "Depot")).toMatch(/centre/);
    d = addPoint(d, [24.7, 46.7]);
    expect(draftProblem(d, "Depot")).toMatch(/radius/);
    d = addPoint(d, [24.7 + 500 / 111_195, 46.7]);
    expect(d.shape === "circle" && d.radiusM).toBe(500);
    expect(draftProblem(d, "  ")).toMatch(/name/);
    expect(draftProblem(d, "Depot")).toBeNull();
    expect(toRequest(d, " Depot ")).toEqual({ name: "Depot", circle: { lat: 24.7, lng: 46.7, radiusM: 500 } });
    d = undo(d);
    expect(d.shape === "circle" && d.radiusM).toBeNull();
    d = undo(d);
    expect(d.shape === "circle" && d.center).toBeNull();
  });

  it("builds a polygon from three or more clicks", () => {
    let d: Draft = emptyDraft("polygon");
    d = addPoint(d, [24, 46]);
    d = addPoint(d, [24, 46]);
    d = addPoint(d, [24, 47]);
    expect(draftProblem(d, "Zone")).toMatch(/2 of at least 3/);
    expect(draftGeoJson(d).features.map((f) => f.geometry.type)).toEqual(["Point", "Point", "LineString"]);
    d = addPoint(d, [25, 47]);
    expect(draftProblem(d, "Zone")).toBeNull();
    expect(toRequest(d, "Zone")).toEqual({ name: "Zone", polygon: [[24, 46], [24, 47], [25, 47]] });
    const poly = draftGeoJson(d).features.at(-1)!.geometry as { type: string; coordinates: number[][][] };
    expect(poly.type).toBe("Polygon");
    expect(poly.coordinates[0][0]).toEqual([46, 24]);
    expect(poly.coordinates[0].at(-1)).toEqual([46, 24]);
    expect(undo(d).shape === "polygon" && (undo(d) as { points: unknown[] }).points.length).toBe(2);
  });

  it("refuses what the server would refuse", () => {
    expect(draftProblem({ shape: "circle", center: [91, 0], radiusM: 10 }, "x")).toMatch(/centre/);
    expect(draftProblem({ shape: "circle", center: [0, 0], radiusM: 2_000_000 }, "x")).toMatch(/radius/);
    expect(draftProblem({ shape: "circle", center: [0, 0], radiusM: 0 }, "x")).toMatch(/radius/);
    expect(draftProblem({ shape: "polygon", points: [[0, 0], [0, 200], [1, 1]] }, "x")).toMatch(/corner/);
    expect(draftProblem({ shape: "circle", center: [0, 0], radiusM: 5 }, "n".repeat(101))).toMatch(/longer/);
    expect(draftGeoJson(null).features).toEqual([]);
  });

  it("formats radii", () => {
    expect(formatRadius(350.4)).toBe("350 m");
    expect(formatRadius(1234)).toBe("1.2 km");
    expect(formatRadius(25_000)).toBe("25 km");
  });

  it("anchors names above the shape's northern edge", () => {
    expect(labelAnchor({ circle: { lat: 1, lng: 2, radiusM: 111_320 } })).toEqual([2, 2]);
    expect(labelAnchor({ polygon: [[0, 0], [0, 2], [3, 2], [2, 0]] })).toEqual([3, 1]);
    expect(labelAnchor({})).toBeNull();
  });
});
