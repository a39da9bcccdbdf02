import { describe, expect, it } from "vitest";
import type { Stats } from "../bindings";
import { WINDOW_MS, formatBytes, formatRate, frameFor, niceMax, project, pushSample, seriesPath, type Sample } from "./statsChart";

const stats = (connections: number, eventsInPerSec = 0, rssBytes = 0): Stats => ({
  connections, users: 0, rooms: 0, eventsInPerSec, eventsOutPerSec: 0, bytesOutPerSec: 0, rssBytes, uptimeS: 0, nodes: 1,
});

describe("rolling window", () => {
  it("keeps about five minutes and drops older samples", () => {
    let w: Sample[] = [];
    for (let i = 0; i <= 400; i++) w = pushSample(w, { t: i * 1000, stats: stats(i) });
    expect(w[0].t).toBe(400_000 - WINDOW_MS);
    expect(w.at(-1)!.stats.connections).toBe(400);
    expect(w).toHaveLength(301);
  });
  it("does not mutate the previous window", () => {
    const a: Sample[] = [{ t: 0, stats: stats(1) }];
    const b = pushSample(a, { t: 1000, stats: stats(2) });
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
  });
});

describe("scaling", () => {
  it("rounds the maximum up to a nice value", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(1.5)).toBe(2);
    expect(niceMax(230)).toBe(250);
    expect(niceMax(2000)).toBe(2000);
    expect(niceMax(NaN)).toBe(1);
  });
  it("projects time to x and value to y, bottom up, clamped", () => {
    const f = { width: 300, height: 100, t0: 0, t1: 300_000, max: 10 };
    expect(project(f, 0, 0)).toEqual([0, 100]);
    expect(project(f, 300_000, 10)).toEqual([300, 0]);
    expect(project(f, 150_000, 5)).toEqual([150, 50]);
    expect(project(f, 0, 50)[1]).toBe(0);
    expect(project(f, 0, -3)[1]).toBe(100);
  });
  it("builds a path per series over a frame ending now", () => {
    const w: Sample[] = [
      { t: 240_000, stats: stats(2, 8) },
      { t: 300_000, stats: stats(4, 3) },
    ];
    const f = frameFor(w, [(s) => s.connections, (s) => s.eventsInPerSec], 300_000, 300, 100);
    expect(f.max).toBe(10);
    expect(seriesPath(w, (s) => s.connections, f)).toBe("M240 80 L300 60");
    expect(seriesPath([], (s) => s.connections, f)).toBe("");
  });
});

describe("formatting", () => {
  it("formats bytes and rates", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
    expect(formatBytes(300 * 1024 * 1024)).toBe("300 MB");
    expect(formatRate(0.25)).toBe("0.3/s");
    expect(formatRate(42.4)).toBe("42/s");
    expect(formatRate(1500)).toBe("1.5k/s");
  });
});
