import { describe, expect, it } from "vitest";
import { kpiApi } from "../api/kpi";
import type { Kpi } from "../bindings";
import { FakeTransport, flush } from "../test/fakeTransport";
import { KpiStore, SAMPLE_EVERY_MS, STALE_AFTER_MS, moduleLabel } from "./kpi.svelte";

const kpi = (key: string, value: number, extra: Partial<Kpi> = {}): Kpi => ({ key, label: key, value, status: "ok", updatedAt: "2025-01-01T00:00:00Z", ...extra });

function setup(snapshot: unknown) {
  const t = new FakeTransport().on("kpi_snapshot", snapshot);
  let now = 1_000_000;
  const store = new KpiStore(kpiApi(t), () => now);
  return { t, store, advance: (ms: number) => (now += ms), now: () => now };
}

describe("KpiStore", () => {
  it("loads modules and the dashboard from the snapshot", async () => {
    const { store } = setup({
      modules: [{ key: "finance", kpis: [kpi("revenue", 10, { unit: "EUR", trend: "+5%" })] }],
      dashboard: { summaryCards: [{ key: "finance", label: "Finance", value: 1, status: "ok" }], topKPIs: [], timestamp: "x" },
    });
    await store.start();
    expect(store.load).toBe("ready");
    expect(store.modules.map((m) => m.key)).toEqual(["finance"]);
    expect(store.dashboard?.summaryCards.length).toBe(1);
    expect(store.historyOf("finance", "revenue")).toEqual([10]);
  });

  it("keeps module updates that beat the snapshot", async () => {
    const t = new FakeTransport();
    let release!: (v: unknown) => void;
    t.on("kpi_snapshot", () => new Promise((r) => (release = r)));
    const store = new KpiStore(kpiApi(t));
    const started = store.start();
    await flush();
    t.emit("kpi://update", { key: "hr", kpis: [kpi("headcount", 12)] });
    release({ modules: [{ key: "hr", kpis: [kpi("headcount", 10)] }, { key: "rehab", kpis: [] }], dashboard: null });
    await started;
    expect(store.modules.find((m) => m.key === "hr")!.kpis[0].value).toBe(12);
    expect(store.modules.map((m) => m.key)).toEqual(["hr", "rehab"]);
  });

  it("replaces only the updated module and records sparkline history", async () => {
    const { t, store, advance } = setup({ modules: [{ key: "a", kpis: [kpi("x", 1)] }, { key: "b", kpis: [kpi("y", 1)] }], dashboard: null });
    await store.start();
    const b = store.modules[1];
    advance(1000);
    t.emit("kpi://update", { key: "a", kpis: [kpi("x", 2)] });
    advance(1000);
    t.emit("kpi://update", { key: "a", kpis: [kpi("x", 2)] }); // unchanged re-send: not sampled yet
    advance(SAMPLE_EVERY_MS);
    t.emit("kpi://update", { key: "a", kpis: [kpi("x", 2)] }); // unchanged but old enough
    expect(store.modules[1]).toBe(b);
    expect(store.historyOf("a", "x")).toEqual([1, 2, 2]);
    expect(store.historyOf("a", "missing")).toEqual([]);
    expect(store.historyOfTop("y")).toEqual([1]);
    expect(store.historyOfTop("nope")).toEqual([]);
  });

  it("keeps at most 60 samples", async () => {
    const { t, store } = setup({ modules: [], dashboard: null });
    await store.start();
    for (let i = 0; i < 100; i++) t.emit("kpi://update", { key: "m", kpis: [kpi("k", i)] });
    const h = store.historyOf("m", "k");
    expect(h.length).toBe(60);
    expect(h[59]).toBe(99);
  });

  it("marks a module stale when updates stop", async () => {
    const { store, now } = setup({ modules: [{ key: "a", kpis: [kpi("x", 1)] }], dashboard: null });
    await store.start();
    const m = store.modules[0];
    expect(store.isStale(m, now() + STALE_AFTER_MS)).toBe(false);
    expect(store.isStale(m, now() + STALE_AFTER_MS + 1)).toBe(true);
  });

  it("takes dashboard events", async () => {
    const { t, store } = setup({ modules: [], dashboard: null });
    await store.start();
    t.emit("kpi://dashboard", { summaryCards: [], topKPIs: [kpi("top", 3)], timestamp: "x" });
    expect(store.dashboard?.topKPIs[0].key).toBe("top");
    expect(store.dashboardAt).toBe(1_000_000);
  });

  it("reports an error when the snapshot fails", async () => {
    const t = new FakeTransport().on("kpi_snapshot", () => {
      throw "boom";
    });
    const store = new KpiStore(kpiApi(t));
    await store.start();
    expect(store.load).toBe("error");
    expect(store.error).toBe("boom");
  });

  it("labels modules", () => {
    expect(moduleLabel("hr")).toBe("HR");
    expect(moduleLabel("logistics")).toBe("Logistics");
  });
});
