import { test } from "node:test";
import { APP, launchApp, quantile, sleep, until } from "../harness.mjs";
import { execSync } from "node:child_process";
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
    await b.execute(() => { window.__opsdeck.frameTimes.length = 0; });
    await sleep(20000);
    const ft = await b.execute(() => window.__opsdeck.frameTimes.slice());
    ft.sort((a, c) => a - c);
    const q = (p) => quantile(ft, p);
    // The app under test (debug or release, OPSDECK_APP_BIN) and the WebKit processes.
    const pids = execSync(`pgrep -f '${APP}$|WebKitWebProcess|WebKitNetworkProcess|WebKitGPUProcess' || true`, { encoding: "utf8" }).trim().split("\n").filter(Boolean);
    let rss = 0, pss = 0;
    for (const pid of pids) {
      try {
        const cmd = execSync(`cat /proc/${pid}/cmdline | tr '\\0' ' '`, { encoding: "utf8" });
        const r = execSync(`awk '/^Rss:/{s+=$2} END{print s}' /proc/${pid}/smaps_rollup`, { encoding: "utf8" });
        const p = execSync(`awk '/^Pss:/{s+=$2} END{print s}' /proc/${pid}/smaps_rollup`, { encoding: "utf8" });
        console.log(pid, cmd.slice(0, 60), "rss", r.trim(), "pss", p.trim());
        if (cmd.includes(APP)) rss += Number(r); else pss += Number(p);
      } catch {}
    }
    console.log(JSON.stringify({ vehicles: N, view: process.env.FRAMES_VIEW ?? "fleet", frames: ft.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), coldStartMs, appRssMB: rss / 1024, webkitPssMB: pss / 1024 }));
  } finally { await app.stop(); }
});
