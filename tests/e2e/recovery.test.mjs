// The page's web process dies (a WebKit crash, the OS out of memory): the app reloads the
// page in a new one and the live view comes back, on the same screen, without the operator
// doing anything.
// WebKitWebDriver ends its session when the page's process dies, so this test drives the app
// through WebKit's remote inspector instead (inspector.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { freePort, procStat, until } from "./harness.mjs";
import { Inspector, startInspectedApp } from "./inspector.mjs";

/** The WebKitWebProcess children of the process `pid`. */
function webProcesses(pid) {
  return readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number).filter((child) => {
    if (Number(procStat(child)?.[1]) !== pid) return false;
    try {
      return readFileSync(`/proc/${child}/cmdline`, "utf8").includes("WebKitWebProcess");
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** What the page shows: the connection state, the screen, the vehicles on the map. */
const SHOWN = `(() => ({
  state: document.querySelector('[data-testid="status-state"]')?.getAttribute("data-state") ?? null,
  view: document.querySelector("main")?.getAttribute("data-view") ?? null,
  vehicles: Number(document.querySelector('[data-testid="fleet-map"]')?.getAttribute("data-vehicle-count") ?? 0),
}))()`;

/** Whether `SHOWN` says: connected, on the Fleet screen, with vehicles on the map. */
const onLiveFleet = (s) => s?.state === "connected" && s.view === "fleet" && s.vehicles >= 10;

/** Connects to the page and waits until it is connected, on the Fleet screen, with vehicles. */
async function liveFleet(port, what) {
  const ins = await Inspector.connect(port);
  await until(what, async () => {
    const s = await ins.evaluate(SHOWN).catch(() => null);
    if (s?.state === "connected" && s.view !== "fleet") await ins.evaluate(`location.hash = "#/fleet"`);
    return onLiveFleet(s);
  }, 60_000, 250);
  return ins;
}

test("the page comes back after its web process is killed", async () => {
  const port = await freePort();
  const app = await startInspectedApp(port, 20, { rustLog: "info" });
  try {
    const before = await liveFleet(port, "the fleet on screen");
    const [first] = await until("the page's web process", () => webProcesses(app.pid).length === 1 && webProcesses(app.pid));
    before.close();

    process.kill(first, "SIGKILL");

    const [second] = await until("a new web process", () => {
      const now = webProcesses(app.pid);
      return now.length === 1 && now[0] !== first && now;
    }, 30_000);
    assert.notEqual(second, first);
    // The reload keeps the page's address, so the operator is back on the same screen.
    const after = await Inspector.connect(port);
    await until("the reloaded page connected, on the fleet, with vehicles",
      async () => onLiveFleet(await after.evaluate(SHOWN).catch(() => null)), 60_000, 250);
    after.close();
    assert.ok(webProcesses(app.pid).includes(second), "the app itself kept running, on the new page");
  } finally {
    await app.stop();
  }
});
