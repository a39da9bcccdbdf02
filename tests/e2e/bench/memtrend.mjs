// The desktop app's memory over time: with VEHICLES simulated vehicles on the Fleet screen,
// samples the app's RSS (and its anonymous part) and WebKit's PSS every 10 s, SAMPLES times
// (BENCHMARKS.md, stop 16: the figure `frames.mjs` reads at ≈ 35 s is not the plateau).
import { test } from "node:test";
import { launchApp, processes, smapsRollup, sleep, until } from "../harness.mjs";
const N = Number(process.env.VEHICLES ?? 1000);
const SAMPLES = Number(process.env.SAMPLES ?? 30);

test(`memory of ${N} vehicles over ${SAMPLES * 10} s`, async () => {
  const app = await launchApp();
  try {
    const b = app.browser;
    await until("connected", async () => (await (await b.$('[data-testid="status-state"]')).getAttribute("data-state")) === "connected", 60000);
    await (await b.$('[data-testid="nav-fleet"]')).click();
    await until("vehicles", async () => Number(await (await b.$('[data-testid="fleet-map"]')).getAttribute("data-vehicle-count")) >= N * 0.9, 120000);
    const t0 = Date.now();
    for (let i = 1; i <= SAMPLES; i++) {
      await sleep(t0 + i * 10000 - Date.now());
      let appRss = 0, appAnon = 0, webkitPss = 0;
      for (const { pid, isApp } of processes()) {
        const { Rss = 0, Anonymous = 0, Pss = 0 } = smapsRollup(pid);
        if (isApp) { appRss += Rss; appAnon += Anonymous; } else webkitPss += Pss;
      }
      const mb = (kb) => Math.round(kb / 1024);
      console.log(JSON.stringify({ vehicles: N, seconds: i * 10, appRssMB: mb(appRss), appAnonMB: mb(appAnon), webkitPssMB: mb(webkitPss), totalMB: mb(appRss + webkitPss) }));
    }
  } finally { await app.stop(); }
});
