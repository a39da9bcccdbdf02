import { describe, expect, it } from "vitest";
import { buildTrack } from "../lib/replay";
import { trackGeoJson } from "./historyLayer";

const loc = (s: number, lat: number, lng: number) => ({ lat, lng, ts: new Date(1e12 + s * 1000).toISOString() });

describe("trackGeoJson", () => {
  it("is empty without a track", () => {
    expect(trackGeoJson(null).features).toEqual([]);
    expect(trackGeoJson(buildTrack([])).features).toEqual([]);
  });
  it("draws the line in [lng, lat] order with start and end points", () => {
    const fc = trackGeoJson(buildTrack([loc(0, 24, 46), loc(1, 24.1, 46.1), loc(2, 24.2, 46.3)]));
    expect(fc.features.map((f) => f.geometry.type)).toEqual(["LineString", "Point", "Point"]);
    expect(fc.features[0].geometry).toEqual({ type: "LineString", coordinates: [[46, 24], [46.1, 24.1], [46.3, 24.2]] });
    expect(fc.features[1].properties).toEqual({ end: "start" });
    expect(fc.features[2].geometry).toEqual({ type: "Point", coordinates: [46.3, 24.2] });
  });
  it("a single fix is just a point", () => {
    expect(trackGeoJson(buildTrack([loc(0, 1, 2)])).features.map((f) => f.geometry.type)).toEqual(["Point"]);
  });
});
