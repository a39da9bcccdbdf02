import { describe, expect, it } from "vitest";
import type { Trip } from "../bindings";
import { OpenTrips } from "./openTrips";

const trip = (id: string, vehicleId: string, status: Trip["status"] = "ongoing", progress = 0.1): Trip =>
  ({ id, vehicleId, status, progress }) as Trip;

describe("OpenTrips", () => {
  it("keeps one open trip per vehicle, the newest", () => {
    const o = new OpenTrips();
    o.apply(trip("T1", "V1"));
    o.apply(trip("T2", "V1"));
    expect(o.of("V1")?.id).toBe("T2");
    expect([...o.byId.keys()]).toEqual(["T2"]);
  });

  it("forgets a trip when it closes", () => {
    const o = new OpenTrips();
    o.apply(trip("T1", "V1"));
    o.apply(trip("T1", "V1", "cancelled"));
    expect(o.of("V1")).toBeNull();
    expect(o.byId.size).toBe(0);
  });

  it("drops an open state that arrives after the closing", () => {
    const o = new OpenTrips();
    o.apply(trip("T1", "V1", "ongoing", 0.4));
    o.apply(trip("T1", "V1", "completed", 1));
    expect(o.apply(trip("T1", "V1", "ongoing", 0.5))).toBe(false);
    expect(o.of("V1")).toBeNull();
    // The vehicle's next trip is tracked as usual.
    expect(o.apply(trip("T2", "V1"))).toBe(true);
    expect(o.of("V1")?.id).toBe("T2");
  });

  it("a stale closing of an older trip leaves the vehicle's current one alone", () => {
    const o = new OpenTrips();
    o.apply(trip("T2", "V1"));
    o.apply(trip("T1", "V1", "cancelled"));
    expect(o.of("V1")?.id).toBe("T2");
  });

  it("remembers a bounded number of closed trips", () => {
    const o = new OpenTrips(2);
    for (const id of ["T1", "T2", "T3"]) o.apply(trip(id, `V-${id}`, "completed"));
    // T1 was forgotten: its late open state is taken; T2 and T3 are still remembered.
    expect(o.apply(trip("T1", "V-T1"))).toBe(true);
    expect(o.apply(trip("T2", "V-T2"))).toBe(false);
    expect(o.apply(trip("T3", "V-T3"))).toBe(false);
  });
});
