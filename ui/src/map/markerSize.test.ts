import { describe, expect, it } from "vitest";
import { markerSize } from "./markerSize";

const VIEW = 662 * 560;

describe("markerSize", () => {
  it("grows with zoom, from 8 to 22 px", () => {
    expect(markerSize(10, 10, VIEW)).toBe(9);
    expect(markerSize(11, 10, VIEW)).toBe(11);
    expect(markerSize(5, 10, VIEW)).toBe(8);
    expect(markerSize(18, 10, VIEW)).toBe(22);
  });

  it("is the zoom size while the view has room", () => {
    expect(markerSize(11, 500, VIEW)).toBe(11);
    expect(markerSize(11, 0, VIEW)).toBe(11);
  });

  it("shrinks in a crowded view, to at most 65% and never under 7 px", () => {
    const crowded = markerSize(11, 10_000, VIEW);
    expect(crowded).toBeLessThan(8);
    expect(crowded).toBeGreaterThanOrEqual(11 * 0.65);
    expect(markerSize(11, 1_000_000, VIEW)).toBeCloseTo(11 * 0.65, 6);
    expect(markerSize(10, 1_000_000, VIEW)).toBe(7);
  });

  it("scales by the device pixel ratio", () => {
    expect(markerSize(11, 10, VIEW, 2)).toBe(22);
    expect(markerSize(11, 10_000, VIEW, 2)).toBeCloseTo(2 * markerSize(11, 10_000, VIEW), 6);
  });
});
