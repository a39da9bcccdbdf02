// The page's web process dies (a WebKit crash, the OS out of memory): the app reloads the
// page in a new one and the live view comes back without the operator doing anything.
// WebKitWebDriver ends its session when the page's process dies, so this test drives the app
// through WebKit's remote inspector instead (inspector.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { freePort, until } from "./harness.mjs";
import { Inspector, startInspectedApp } from "./inspector.mjs";

/** The WebKitWebProcess children of the process `pid`. */
function webProcesses(pid) {
  return readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number).filter((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return parent === pid && readFileSync(`/proc/${child}/cmdline`, "utf8").includes("WebKitWebProcess");
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** The connection state the status bar shows, and whether a KPI value is on screen. */
const LIVE = `(() => ({
  state: document.querySelector('[data-testid="status-state"]')?.getAttribute("data-state") ?? null,
  kpi: [...document.querySelectorAll('[data-testid="kpi-value"]')].some((e) => e.textContent.trim() !== ""),
}))()`;

/** Connects to the page and waits until it is connected with a KPI value showing. */
async function livePage(port, what) {
  const ins = await Inspector.connect(port);
  await until(what, async () => {
    const s = await ins.evaluate(LIVE).catch(() => null);
    return s?.state === "connected" && s.kpi;
  }, 60_000, 250);
  return ins;
}

test("the page comes back after its web process is killed", async () => {
  const port = await freePort();
  const app = await startInspectedApp(port, 20, { rustLog: "info" });
  try {
    const before = await livePage(port, "the page live");
    const [first] = await until("the page's web process", () => webProcesses(app.pid).length === 1 && webProcesses(app.pid));
    before.close();

    process.kill(first, "SIGKILL");

    const [second] = await until("a new web process", () => {
      const now = webProcesses(app.pid);
      return now.length === 1 && now[0] !== first && now;
    }, 30_000);
    assert.notEqual(second, first);
    const after = await livePage(port, "the reloaded page live again");
    after.close();
    assert.ok(webProcesses(app.pid).includes(second), "the app itself kept running, on the new page");
  } finally {
    await app.stop();
  }
});
