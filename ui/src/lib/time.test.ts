import { describe, expect, it } from "vitest";
import { formatAge, formatEta, isStale, parseTime, secondsSince, updatedAgo } from "./time";

const T = Date.parse("2025-01-01T12:00:00Z");

describe("time", () => {
  it("counts whole seconds and never goes negative", () => {
    expect(secondsSince(T + 12_900, T)).toBe(12);
    expect(secondsSince(T - 5000, T)).toBe(0);
    expect(secondsSince(T, NaN)).toBeNaN();
  });

  it("formats ages", () => {
    expect(formatAge(0)).toBe("0s");
    expect(formatAge(59)).toBe("59s");
    expect(formatAge(61)).toBe("1m");
    expect(formatAge(7200)).toBe("2h");
    expect(formatAge(200000)).toBe("2d");
    expect(formatAge(NaN)).toBe("–");
  });

  it("says updated Ns ago", () => {
    expect(updatedAgo(T + 3000, T)).toBe("updated 3s ago");
    expect(updatedAgo(T + 125_000, T)).toBe("updated 2m ago");
    expect(updatedAgo(T, NaN)).toBe("never updated");
  });

  it("is stale only past the limit, and when never received", () => {
    expect(isStale(T + 15_000, T, 15_000)).toBe(false);
    expect(isStale(T + 15_001, T, 15_000)).toBe(true);
    expect(isStale(T, NaN, 15_000)).toBe(true);
  });

  it("parses ISO times and rejects junk", () => {
    expect(parseTime("2025-01-01T12:00:00Z")).toBe(T);
    expect(parseTime(null)).toBeNaN();
    expect(parseTime("soon")).toBeNaN();
  });

  it("formats ETAs", () => {
    expect(formatEta(T, new Date(T + 12 * 60_000).toISOString())).toMatch(/^in 12 min \(\d\d:\d\d\)$/);
    expect(formatEta(T, new Date(T + 10_000).toISOString())).toMatch(/^due now/);
    expect(formatEta(T, new Date(T - 3 * 60_000).toISOString())).toBe("late by 3 min");
    expect(formatEta(T, null)).toBe("unknown");
  });
});
