import { describe, expect, it } from "vitest";
import { ALL_STATUSES, countByStatus, filterVehicles, maskOf, queryTerms, searchKeyOf, statusCode, toggleStatus } from "./vehicleFilter";

const rows = [
  { id: "V-001", plateNumber: "RUH 1001", name: "Truck One", driverId: "alice", status: "active" },
  { id: "V-002", plateNumber: "RUH 1002", name: "Van", driverId: "bob", status: "idle" },
  { id: "V-003", plateNumber: "JED 2003", status: "emergency" },
  { id: "V-004", plateNumber: "RUH 1004", name: "Truck Four", status: "offline" },
] as const;

const src = {
  order: [0, 1, 2, 3],
  searchKey: rows.map((r) => searchKeyOf(r)),
  status: Uint8Array.from(rows.map((r) => statusCode(r.status))),
};

describe("vehicle filter", () => {
  it("returns everything for an empty query and all statuses", () => {
    expect(filterVehicles(src, "", ALL_STATUSES)).toEqual([0, 1, 2, 3]);
  });

  it("searches id, plate, name and driver, case-insensitively, every term", () => {
    expect(filterVehicles(src, "truck", ALL_STATUSES)).toEqual([0, 3]);
    expect(filterVehicles(src, "ALICE", ALL_STATUSES)).toEqual([0]);
    expect(filterVehicles(src, "ruh four", ALL_STATUSES)).toEqual([3]);
    expect(filterVehicles(src, "v-003", ALL_STATUSES)).toEqual([2]);
    expect(filterVehicles(src, "nobody", ALL_STATUSES)).toEqual([]);
  });

  it("filters by status mask, combined with search", () => {
    expect(filterVehicles(src, "", maskOf(["active", "emergency"]))).toEqual([0, 2]);
    expect(filterVehicles(src, "truck", maskOf(["offline"]))).toEqual([3]);
    expect(filterVehicles(src, "", 0)).toEqual([]);
  });

  it("keeps the given order", () => {
    expect(filterVehicles({ ...src, order: [3, 1, 0, 2] }, "ruh", ALL_STATUSES)).toEqual([3, 1, 0]);
  });

  it("toggles statuses and counts them", () => {
    const m = toggleStatus(ALL_STATUSES, "idle");
    expect(m & (1 << statusCode("idle"))).toBe(0);
    expect(toggleStatus(m, "idle")).toBe(ALL_STATUSES);
    expect(countByStatus(src.status, 4)).toEqual([1, 1, 1, 0, 1]);
    expect(statusCode("bogus")).toBe(statusCode("offline"));
    expect(queryTerms("  a  B ")).toEqual(["a", "b"]);
  });
});
