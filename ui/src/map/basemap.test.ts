import { describe, expect, it } from "vitest";
import { buildStyle, PALETTES } from "./basemap";

const base = { land: { type: "FeatureCollection" as const, features: [] }, borders: { type: "MultiLineString" as const, coordinates: [] } };

describe("the offline basemap style", () => {
  it("has a roads source drawn above the land and below geofences and vehicles", () => {
    const style = buildStyle(base, false);
    expect(style.sources.roads).toBeDefined();
    const ids = style.layers.map((l) => l.id);
    expect(ids.indexOf("roads-local")).toBeGreaterThan(ids.indexOf("land"));
    expect(ids.indexOf("roads-major")).toBeGreaterThan(ids.indexOf("roads-local"));
    expect(ids.indexOf("geofence-fill")).toBeGreaterThan(ids.indexOf("roads-major"));
  });

  it("colours streets from the theme's palette", () => {
    const dark = buildStyle(base, true);
    const major = dark.layers.find((l) => l.id === "roads-major") as { paint: Record<string, unknown> };
    expect(major.paint["line-color"]).toBe(PALETTES.dark.major);
  });
});
