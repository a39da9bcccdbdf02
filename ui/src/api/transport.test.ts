import { describe, expect, it } from "vitest";
import { handledCounter } from "./transport";
import { fleetApi } from "./fleet";
import { FakeTransport } from "../test/fakeTransport";

describe("handledCounter", () => {
  it("reports the running count after each message, a throwing handler included", () => {
    const reports: number[] = [];
    const count = handledCounter(async (n) => reports.push(n));
    count(() => {});
    expect(() =>
      count(() => {
        throw new Error("bad batch");
      }),
    ).toThrow("bad batch");
    count(() => {});
    expect(reports).toEqual([1, 2, 3]);
  });

  it("keeps counting when a report fails (the next one makes it good)", async () => {
    const reports: number[] = [];
    const count = handledCounter((n) => {
      reports.push(n);
      return n === 1 ? Promise.reject(new Error("ipc down")) : Promise.resolve();
    });
    count(() => {});
    count(() => {});
    await Promise.resolve();
    expect(reports).toEqual([1, 2]);
  });
});

describe("the positions stream", () => {
  it("tells the shell how many batches the page handled, after handling each", async () => {
    const t = new FakeTransport();
    const seen: number[] = [];
    const off = await fleetApi(t).onPositions((p) => seen.push(p.updates.length));
    t.emit("fleet_positions_stream", { updates: [] });
    t.emit("fleet_positions_stream", { updates: [] });
    await Promise.resolve();
    off();
    expect(seen).toEqual([0, 0]);
    expect(t.calls).toEqual([
      { command: "fleet_positions_stream" },
      { command: "fleet_positions_handled", args: { count: 1 } },
      { command: "fleet_positions_handled", args: { count: 2 } },
      { command: "fleet_positions_stop" },
    ]);
  });
});
