import { describe, expect, it } from "vitest";
import { RepaintGovernor } from "./repaintGovernor";

/** Feeds `windows` windows of 60 frames with `slow` slow ones each. */
function feed(g: RepaintGovernor, windows: number, slow: number, slowMs = 50) {
  for (let w = 0; w < windows; w++) for (let i = 0; i < 60; i++) g.frame(i < slow ? slowMs : 16.7);
}

describe("RepaintGovernor", () => {
  it("starts smooth at the full update rate", () => {
    const g = new RepaintGovernor();
    expect(g.smooth).toBe(true);
    expect(g.intervalMs).toBe(100);
  });

  it("stays smooth while frames are on time", () => {
    const g = new RepaintGovernor();
    feed(g, 10, 0);
    expect(g.smooth).toBe(true);
    expect(g.intervalMs).toBe(100);
  });

  it("first stops gliding, then spaces repaints, up to once a second", () => {
    const g = new RepaintGovernor();
    feed(g, 1, 10);
    expect(g.smooth).toBe(false);
    expect(g.intervalMs).toBe(100);
    feed(g, 1, 10);
    expect(g.intervalMs).toBeCloseTo(160, 6);
    feed(g, 20, 10);
    expect(g.intervalMs).toBe(1000);
    expect(g.lastShare).toBeCloseTo(10 / 60, 6);
  });

  it("holds steady between the thresholds", () => {
    const g = new RepaintGovernor();
    feed(g, 3, 10);
    const i = g.intervalMs;
    feed(g, 5, 1); // 1.7%: between target/3 and target
    expect(g.intervalMs).toBe(i);
  });

  it("recovers when frames are on time again, gliding last", () => {
    const g = new RepaintGovernor();
    feed(g, 10, 10);
    expect(g.intervalMs).toBeGreaterThan(500);
    feed(g, 5, 0);
    expect(g.smooth).toBe(false);
    feed(g, 20, 0);
    expect(g.intervalMs).toBe(100);
    expect(g.smooth).toBe(true);
  });

  it("gives a verdict within 1.5 s when frames are slow", () => {
    const g = new RepaintGovernor();
    // 400 ms frames: 4 of them close a window, long before 60 would
    for (let i = 0; i < 3; i++) g.frame(400);
    expect(g.smooth).toBe(true);
    g.frame(400);
    expect(g.lastShare).toBe(1);
    expect(g.smooth).toBe(false);
    for (let i = 0; i < 4 * 8; i++) g.frame(400);
    expect(g.intervalMs).toBe(1000);
  });

  it("ignores absurd deltas", () => {
    const g = new RepaintGovernor();
    for (let i = 0; i < 200; i++) g.frame(5000);
    g.frame(-1);
    expect(g.smooth).toBe(true);
    expect(g.lastShare).toBe(0);
  });
});
