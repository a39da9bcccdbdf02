import { test } from "node:test";
import { launchApp, procStat, processes, quantile, smapsRollup, sleep, until } from "../harness.mjs";
const N = Number(process.env.VEHICLES ?? 1000);
test(`measure ${N} vehicles`, async () => {
  const app = await launchApp({ prepare: true });
  try {
    const b = app.browser;
    await until("connected", async () => (await (await b.$('[data-testid="status-state"]')).getAttribute("data-state")) === "connected", 60000);
    // Cold start: from the launch request to the UI's first KPI values (the store marks them).
    const firstKpiAt = await until("the first KPI", () => b.execute(() => {
      const m = performance.getEntriesByName("opsdeck:first-kpi")[0];
      return m ? performance.timeOrigin + m.startTime : null;
    }), 60000);
    const coldStartMs = Math.round(firstKpiAt - app.launchedAt);
    await (await b.$('[data-testid="nav-fleet"]')).click();
    await until("vehicles", async () => Number(await (await b.$('[data-testid="fleet-map"]')).getAttribute("data-vehicle-count")) >= N * 0.9, 120000);
    // FRAMES_VIEW=overview measures with the map closed (same data flowing), which tells the
    // map's rendering apart from the cost of the live data itself.
    if (process.env.FRAMES_VIEW) await (await b.$(`[data-testid="nav-${process.env.FRAMES_VIEW}"]`)).click();
    await sleep(15000);
    // CPU over the measured window, per side: the app (embedded server, simulator, UI
    // process) and WebKit's processes (page, painting, llvmpipe).
    const cpuBefore = cpuSeconds();
    await b.execute(() => { window.__opsdeck.frameTimes.length = 0; });
    const windowStart = Date.now();
    await sleep(20000);
    const ft = await b.execute(() => window.__opsdeck.frameTimes.slice());
    const cpuAfter = cpuSeconds();
    const windowSeconds = (Date.now() - windowStart) / 1000;
    const cpuPct = (side) => Math.round((1000 * (cpuAfter[side] - cpuBefore[side])) / windowSeconds) / 10;
    ft.sort((a, c) => a - c);
    const q = (p) => quantile(ft, p);
    let rss = 0, pss = 0;
    for (const { pid, cmd, isApp } of processes()) {
      const { Rss = 0, Pss = 0 } = smapsRollup(pid);
      console.log(pid, cmd.slice(0, 60), "rss", Rss, "pss", Pss);
      if (isApp) rss += Rss; else pss += Pss;
    }
    console.log(JSON.stringify({ vehicles: N, view: process.env.FRAMES_VIEW ?? "fleet", frames: ft.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), coldStartMs, appRssMB: rss / 1024, webkitPssMB: pss / 1024, appCpuPct: cpuPct("app"), webkitCpuPct: cpuPct("webkit") }));
  } finally { await app.stop(); }
});

/** CPU seconds used so far (user + system) by the app and by the WebKit processes. */
function cpuSeconds() {
  const total = { app: 0, webkit: 0 };
  for (const { pid, isApp } of processes()) {
    const fields = procStat(pid);
    if (fields) total[isApp ? "app" : "webkit"] += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}
