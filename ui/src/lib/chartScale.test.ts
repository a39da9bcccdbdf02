import { describe, expect, it } from "vitest";
import { countFinite, linePath, linearScale, maxFinite, niceMax, niceStep, niceTicks, timeTicks } from "./chartScale";

describe("linearScale", () => {
  it("maps and inverts, including an inverted range (SVG y)", () => {
    const x = linearScale(100, 200, 0, 500);
    expect(x(150)).toBe(250);
    expect(x.invert(250)).toBe(150);
    const y = linearScale(0, 80, 120, 20);
    expect(y(0)).toBe(120);
    expect(y(80)).toBe(20);
    expect(y(40)).toBe(70);
    expect(y.invert(70)).toBe(40);
  });
  it("maps a zero-width domain to the range start", () => {
    const s = linearScale(5, 5, 10, 90);
    expect(s(5)).toBe(10);
    expect(s(100)).toBe(10);
  });
});

describe("ticks", () => {
  it("picks 1-2-5 steps", () => {
    expect(niceStep(100, 4)).toBe(50);
    expect(niceStep(7, 4)).toBe(2);
    expect(niceStep(0.9, 4)).toBe(0.5);
    expect(niceTicks(0, 100, 4)).toEqual([0, 50, 100]);
    expect(niceTicks(0, 130, 4)).toEqual([0, 50, 100]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
  it("rounds the y max up, with a floor", () => {
    expect(niceMax(87)).toBe(100);
    expect(niceMax(3)).toBe(10);
    expect(niceMax(NaN)).toBe(10);
    expect(niceMax(121)).toBe(150);
  });
  it("time ticks fall on whole steps inside the range", () => {
    const start = Date.parse("2026-01-01T10:03:00Z");
    const end = start + 3_600_000;
    const ticks = timeTicks(start, end, 5);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(6);
    for (const t of ticks) {
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThanOrEqual(end);
      expect(t % 60_000).toBe(0);
    }
    const step = ticks[1] - ticks[0];
    expect(step).toBe(15 * 60_000);
  });
});

describe("linePath", () => {
  it("draws finite points and breaks on gaps", () => {
    const sx = linearScale(0, 3, 0, 30);
    const sy = linearScale(0, 100, 100, 0);
    expect(linePath([0, 1, 2, 3], [0, 50, NaN, 100], sx, sy)).toBe("M0.0 100.0L10.0 50.0M30.0 0.0");
    expect(linePath([], [], sx, sy)).toBe("");
  });
  it("max and count skip NaN", () => {
    expect(maxFinite([NaN, 3, 9, NaN, 2])).toBe(9);
    expect(Number.isNaN(maxFinite([NaN]))).toBe(true);
    expect(countFinite(new Float64Array([1, NaN, 2]))).toBe(2);
  });
});
