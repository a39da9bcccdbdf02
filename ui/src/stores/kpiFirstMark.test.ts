import { describe, expect, it } from "vitest";
import { kpiApi } from "../api/kpi";
import { FakeTransport } from "../test/fakeTransport";
import { FIRST_KPI_MARK, KpiStore } from "./kpi.svelte";

// Its own file: the mark is once per page, so no other test may have set it first.
describe("the first-KPI performance mark", () => {
  it("is set once, by the first module that has a value", () => {
    const store = new KpiStore(kpiApi(new FakeTransport()));
    const marks = () => performance.getEntriesByName(FIRST_KPI_MARK).length;
    store.applyModule({ key: "hr", kpis: [] });
    expect(marks()).toBe(0);
    store.applyModule({ key: "finance", kpis: [{ key: "revenue", label: "Revenue", value: 3, status: "ok", updatedAt: "2025-01-01T00:00:00Z" }] });
    expect(marks()).toBe(1);
    store.applyModule({ key: "finance", kpis: [{ key: "revenue", label: "Revenue", value: 4, status: "ok", updatedAt: "2025-01-01T00:00:01Z" }] });
    expect(marks()).toBe(1);
  });
});
