import { describe, expect, it } from "vitest";
import { Ring, shouldSample, sparklinePoints } from "./ring";

describe("Ring", () => {
  it("keeps the last `capacity` samples, oldest first", () => {
    const r = new Ring(3);
    expect(r.length).toBe(0);
    expect(r.toArray()).toEqual([]);
    expect(r.lastValue()).toBeNaN();
    for (let i = 1; i <= 5; i++) r.push(i, i * 100);
    expect(r.length).toBe(3);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.time(0)).toBe(300);
    expect(r.lastTime()).toBe(500);
    expect(r.lastValue()).toBe(5);
    r.clear();
    expect(r.toArray()).toEqual([]);
  });

  it("rejects a non-positive capacity", () => {
    expect(() => new Ring(0)).toThrow();
  });

  it("samples changes at once and unchanged values only every interval", () => {
    const r = new Ring(10);
    expect(shouldSample(r, 1, 0, 5000)).toBe(true);
    r.push(1, 0);
    expect(shouldSample(r, 1, 1000, 5000)).toBe(false);
    expect(shouldSample(r, 2, 1000, 5000)).toBe(true);
    expect(shouldSample(r, 1, 5000, 5000)).toBe(true);
  });
});

describe("sparklinePoints", () => {
  it("scales values into the box, max at the top", () => {
    expect(sparklinePoints([0, 10], 100, 20, 0)).toBe("0,20 100,0");
  });
  it("draws a constant series flat in the middle", () => {
    expect(sparklinePoints([5, 5, 5], 10, 20)).toBe("0,10 5,10 10,10");
  });
  it("handles empty and single-value series", () => {
    expect(sparklinePoints([], 10, 10)).toBe("");
    expect(sparklinePoints([3], 10, 10)).toBe("10,5");
  });
});
