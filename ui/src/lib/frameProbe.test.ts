import { describe, expect, it } from "vitest";
import { recordFrame, startFrameProbe, type OpsdeckProbe } from "./frameProbe";

describe("frame probe", () => {
  it("keeps the last N deltas", () => {
    const xs: number[] = [];
    for (let i = 0; i < 2100; i++) recordFrame(xs, i);
    expect(xs.length).toBe(2000);
    expect(xs[0]).toBe(100);
    expect(xs.at(-1)).toBe(2099);
  });

  it("records rAF deltas on window.__opsdeck", () => {
    const cbs: FrameRequestCallback[] = [];
    const win = {
      requestAnimationFrame: (cb: FrameRequestCallback) => cbs.push(cb),
      cancelAnimationFrame: () => {},
    } as unknown as Window & { __opsdeck?: OpsdeckProbe };
    startFrameProbe(win);
    for (const t of [0, 16, 33, 50]) cbs[cbs.length - 1](t);
    expect(win.__opsdeck?.frameTimes).toEqual([16, 17, 17]);
  });
});
