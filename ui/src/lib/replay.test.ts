import { describe, expect, it } from "vitest";
import { advance, bearing, buildTrack, indexAt, positionAt, resolveRange, sliderToTime, timeToSlider, trackBounds, trackSpan } from "./replay";

const T0 = Date.parse("2026-01-01T10:00:00Z");
const loc = (s: number, lat: number, lng: number, speed?: number, heading?: number) => ({
  lat,
  lng,
  speed,
  heading,
  ts: new Date(T0 + s * 1000).toISOString(),
});

describe("buildTrack", () => {
  it("sorts by time and drops unparsable fixes", () => {
    const t = buildTrack([loc(10, 1, 1), { lat: 0, lng: 0, ts: "nope" }, loc(0, 0, 0, 30)]);
    expect(t.length).toBe(2);
    expect(Array.from(t.t)).toEqual([T0, T0 + 10_000]);
    expect(t.speed[0]).toBe(30);
    expect(Number.isNaN(t.speed[1])).toBe(true);
    expect(trackSpan(t)).toEqual({ start: T0, end: T0 + 10_000 });
    expect(trackSpan(buildTrack([]))).toBeNull();
  });
});

describe("positionAt", () => {
  const track = buildTrack([loc(0, 24, 46, 0), loc(10, 24.1, 46, 40), loc(20, 24.1, 46.2, 60)]);

  it("interpolates between the fixes around the time", () => {
    const p = positionAt(track, T0 + 5_000)!;
    expect(p.lat).toBeCloseTo(24.05, 10);
    expect(p.lng).toBeCloseTo(46, 10);
    expect(p.speed).toBeCloseTo(20, 10);
    expect(p.index).toBe(0);
    const q = positionAt(track, T0 + 15_000)!;
    expect(q.lng).toBeCloseTo(46.1, 10);
    expect(q.index).toBe(1);
  });

  it("lands exactly on fixes and clamps outside the track", () => {
    expect(positionAt(track, T0 + 10_000)).toMatchObject({ lat: 24.1, lng: 46, speed: 40, index: 1 });
    expect(positionAt(track, T0 - 99_000)).toMatchObject({ lat: 24, lng: 46, t: T0 });
    expect(positionAt(track, T0 + 99_000)).toMatchObject({ lat: 24.1, lng: 46.2, t: T0 + 20_000, index: 2 });
    expect(positionAt(buildTrack([]), T0)).toBeNull();
  });

  it("derives the heading from the segment when the fix has none", () => {
    expect(positionAt(track, T0 + 1_000)!.heading).toBeCloseTo(0, 5); // due north
    expect(positionAt(track, T0 + 11_000)!.heading).toBeCloseTo(90, 0); // due east
    const withHeading = buildTrack([loc(0, 0, 0, 10, 123), loc(1, 1, 1)]);
    expect(positionAt(withHeading, T0)!.heading).toBe(123);
  });

  it("finds the fix before a time by binary search", () => {
    const many = buildTrack(Array.from({ length: 1000 }, (_, i) => loc(i * 2, 0, i)));
    expect(indexAt(many, T0 + 1_001)).toBe(0);
    expect(indexAt(many, T0 + 777 * 2_000 + 1)).toBe(777);
    expect(indexAt(many, T0 + 5_000_000)).toBe(999);
  });
});

describe("slider", () => {
  it("maps both ways over the span", () => {
    expect(sliderToTime(0, 1000, 2000)).toBe(1000);
    expect(sliderToTime(500, 1000, 2000)).toBe(1500);
    expect(sliderToTime(1000, 1000, 2000)).toBe(2000);
    expect(sliderToTime(5000, 1000, 2000)).toBe(2000);
    expect(timeToSlider(1250, 1000, 2000)).toBe(250);
    expect(timeToSlider(0, 1000, 2000)).toBe(0);
    expect(timeToSlider(9999, 1000, 2000)).toBe(1000);
    for (const v of [0, 1, 333, 999, 1000]) expect(timeToSlider(sliderToTime(v, 7, 70_007), 7, 70_007)).toBe(v);
  });
  it("copes with a one-fix track", () => {
    expect(sliderToTime(500, 5, 5)).toBe(5);
    expect(timeToSlider(5, 5, 5)).toBe(0);
  });
});

describe("ranges and playback", () => {
  it("resolves presets against now", () => {
    expect(resolveRange("15m", 1_000_000)).toEqual({ from: 100_000, to: 1_000_000 });
    expect(resolveRange("24h", 86_400_000)).toEqual({ from: 0, to: 86_400_000 });
  });
  it("checks custom ranges", () => {
    expect(resolveRange("custom", 0, { from: "", to: "" })).toMatch(/both/);
    expect(resolveRange("custom", 0, { from: "2026-01-01T10:00", to: "2026-01-01T09:00" })).toMatch(/after/);
    const r = resolveRange("custom", 0, { from: "2026-01-01T09:00", to: "2026-01-01T10:00" });
    expect(typeof r === "object" && r.to - r.from).toBe(3_600_000);
  });
  it("advances at the rate and stops at the end", () => {
    expect(advance(0, 100, 10, 10_000)).toEqual({ time: 1000, done: false });
    expect(advance(9_500, 100, 60, 10_000)).toEqual({ time: 10_000, done: true });
    expect(advance(0, -5, 1, 10)).toEqual({ time: 0, done: false });
  });
  it("bounds and bearings", () => {
    expect(trackBounds(buildTrack([loc(0, 1, 5), loc(1, -2, 7)]))).toEqual([[5, -2], [7, 1]]);
    expect(bearing(0, 0, 0, 1)).toBeCloseTo(90, 6);
    expect(bearing(0, 0, -1, 0)).toBeCloseTo(180, 6);
  });
});
