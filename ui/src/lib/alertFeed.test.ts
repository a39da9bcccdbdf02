import { describe, expect, it } from "vitest";
import type { Alert } from "../bindings";
import { applyAck, canDispatch, countByKind, countUnackedCritical, filterAlerts, mergeListing, NO_FILTER, sortFeed } from "./alertFeed";

const a = (id: string, priority: "high" | "critical", createdAt: string, extra: Partial<Alert> = {}): Alert => ({
  id,
  kind: "emergency",
  priority,
  vehicleId: "V-1",
  message: `${id} message`,
  createdAt,
  ...extra,
});

const ack = (alertId: string, name: string) => ({ alertId, ackedBy: { id: name, name }, ackedAt: "2026-01-01T01:00:00Z" });

describe("alert feed", () => {
  it("orders critical first, then newest first", () => {
    const feed = sortFeed([
      a("h-old", "high", "2026-01-01T00:00:01Z"),
      a("c-old", "critical", "2026-01-01T00:00:02Z"),
      a("h-new", "high", "2026-01-01T00:00:09Z"),
      a("c-new", "critical", "2026-01-01T00:00:05Z"),
    ]);
    expect(feed.map((x) => x.id)).toEqual(["c-new", "c-old", "h-new", "h-old"]);
  });

  it("applies the first ack only", () => {
    const list = [a("x", "critical", "2026-01-01T00:00:00Z")];
    const once = applyAck(list, ack("x", "Dana"));
    expect(once[0].ackedBy?.name).toBe("Dana");
    expect(applyAck(once, ack("x", "Eve"))).toBe(once);
    expect(applyAck(once, ack("nope", "Eve"))).toBe(once);
    expect(countUnackedCritical(list)).toBe(1);
    expect(countUnackedCritical(once)).toBe(0);
  });

  it("keeps acks a stale listing does not have yet", () => {
    const acked = applyAck([a("x", "high", "2026-01-01T00:00:00Z")], ack("x", "Dana"));
    const merged = mergeListing(acked, [a("x", "high", "2026-01-01T00:00:00Z"), a("y", "critical", "2026-01-01T00:00:00Z")]);
    expect(merged.map((m) => m.id)).toEqual(["y", "x"]);
    expect(merged[1].ackedBy?.name).toBe("Dana");
  });

  it("filters by kind, unacked and text", () => {
    const list = [
      a("e", "critical", "2026-01-01T00:00:03Z"),
      a("f", "high", "2026-01-01T00:00:02Z", { kind: "low-fuel", vehicleId: "TRUCK-9", message: "fuel low" }),
      a("k", "critical", "2026-01-01T00:00:01Z", { kind: "kpi", vehicleId: undefined, moduleKey: "finance", ackedAt: "2026-01-01T00:00:05Z", ackedBy: { id: "u", name: "Omar" } }),
    ];
    expect(filterAlerts(list, NO_FILTER).length).toBe(3);
    expect(filterAlerts(list, { ...NO_FILTER, kind: "low-fuel" }).map((x) => x.id)).toEqual(["f"]);
    expect(filterAlerts(list, { ...NO_FILTER, unackedOnly: true }).map((x) => x.id)).toEqual(["e", "f"]);
    expect(filterAlerts(list, { ...NO_FILTER, text: "truck" }).map((x) => x.id)).toEqual(["f"]);
    expect(filterAlerts(list, { ...NO_FILTER, text: " FINANCE " }).map((x) => x.id)).toEqual(["k"]);
    expect(filterAlerts(list, { ...NO_FILTER, text: "omar" }).map((x) => x.id)).toEqual(["k"]);
    expect(countByKind(list)).toEqual({ emergency: 1, "low-fuel": 1, geofence: 0, kpi: 1 });
  });

  it("lets dispatchers and admins act", () => {
    expect(canDispatch("dispatcher")).toBe(true);
    expect(canDispatch("admin")).toBe(true);
    expect(canDispatch("viewer")).toBe(false);
    expect(canDispatch(null)).toBe(false);
  });
});
