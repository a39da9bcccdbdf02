// Where the webview's main thread spends its time: the real app with N simulated vehicles
// (VEHICLES, default 10000), a screen open (PROFILE_VIEW, default fleet), then WebKit's own
// inspector (WEBKIT_INSPECTOR_HTTP_SERVER, spoken over its websocket; it cannot share the
// app with WebKitWebDriver, so the app is started directly and driven through it) records
// PROFILE_SECONDS (default 10) of the Timeline (style, layout, paint, timers, events) and
// JavaScriptCore's sampling profiler. Prints frame times, timeline records per type and the
// hottest functions, self and total.
//
//   cd tests/e2e && VEHICLES=10000 OPSDECK_APP_BIN=$PWD/../../target/release/opsdeck \
//     bash ../../.ci/desktop-env.sh node --test bench/jsprofile.mjs
import { test } from "node:test";
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { APP, freePort, quantile, smapsRollup, sleep, until } from "../harness.mjs";
import { Inspector, startInspectedApp } from "../inspector.mjs";

const N = Number(process.env.VEHICLES ?? 10000);
const VIEW = process.env.PROFILE_VIEW ?? "fleet";
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 10);
const TOP = Number(process.env.PROFILE_TOP ?? 25);

/**
 * Timeline records per type, nested ones included. (Counts, not durations: WebKitGTK here
 * reports every record's startTime and endTime as 0.)
 */
function timelineCounts(records) {
  const n = new Map();
  const walk = (r) => {
    n.set(r.type, (n.get(r.type) ?? 0) + 1);
    for (const c of r.children ?? []) walk(c);
  };
  for (const r of records) walk(r);
  return [...n].sort((a, b) => b[1] - a[1]);
}

const frameName = (f) => `${f.name || "(anonymous)"} ${(f.url || "").split("/").pop()}:${f.line}`;

/** Samples per function, self (top of the stack) and total (anywhere in it, once per sample). */
function hottest(stackTraces) {
  const self = new Map();
  const total = new Map();
  for (const t of stackTraces) {
    const frames = t.stackFrames ?? [];
    if (frames.length === 0) continue;
    const top = frameName(frames[0]);
    self.set(top, (self.get(top) ?? 0) + 1);
    for (const name of new Set(frames.map(frameName))) total.set(name, (total.get(name) ?? 0) + 1);
  }
  const rank = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  return { self: rank(self), total: rank(total) };
}

/** WebKit's process names as /proc shows them (cut to 15 characters). */
const WEBKIT_NAMES = ["WebKitWebProces", "WebKitNetworkPr"];

/** Pids of the processes named `names` (exact names, so not a shell whose command line
 * happens to contain them). */
function pidsNamed(names) {
  return execSync(`pgrep -x '${names.join("|")}' || true`, { encoding: "utf8" }).split("\n").filter(Boolean);
}

/** Proportional set size of the WebKit processes, MB. */
function webkitPssMB() {
  const kb = pidsNamed(WEBKIT_NAMES).map((pid) => smapsRollup(pid).Pss ?? 0);
  return Math.round(kb.reduce((a, k) => a + k, 0) / 1024);
}

/** Per process (the app, WebKit's): PSS MB per mapping name, the largest first. */
function smapsBreakdown() {
  const pids = pidsNamed([...WEBKIT_NAMES, path.basename(APP).slice(0, 15)]);
  return Object.fromEntries(pids.map((pid) => {
    const pss = new Map();
    let name = "";
    for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
      const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
      if (head) name = head[1] || "[anon]";
      else if (line.startsWith("Pss:")) pss.set(name, (pss.get(name) ?? 0) + Number(line.split(/\s+/)[1]));
    }
    const top = [...pss].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, kb]) => `${path.basename(n)} ${Math.round(kb / 1024)}`);
    const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    return [`${comm} ${pid} (${Math.round([...pss.values()].reduce((a, b) => a + b, 0) / 1024)} MB)`, top];
  }));
}

/** WebKit's own accounting of the web process, MB per category (javascript, jit, layers…). */
async function memoryCategories(ins) {
  let update = null;
  const first = (p) => { update ??= p.event; };
  ins.on("Memory.trackingUpdate", first);
  await ins.call("Memory.enable").catch(() => {});
  await ins.call("Memory.startTracking");
  await until("a memory sample", () => update, 10_000, 100);
  await ins.call("Memory.stopTracking");
  ins.off("Memory.trackingUpdate", first);
  return Object.fromEntries(update.categories.map((c) => [c.type, Math.round(c.size / 1048576)]));
}

/** The heap snapshot's largest classes: MB and object count (the JavaScript heap only). */
async function heapClasses(ins) {
  const { snapshotData } = await ins.call("Heap.snapshot");
  const snap = JSON.parse(snapshotData);
  const width = snap.nodeFields?.length ?? 4;
  const sizes = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const name = snap.nodeClassNames[snap.nodes[i + 2]];
    const [bytes, count] = sizes.get(name) ?? [0, 0];
    sizes.set(name, [bytes + snap.nodes[i + 1], count + 1]);
  }
  const total = [...sizes.values()].reduce((a, [b]) => a + b, 0);
  const top = [...sizes].sort((a, b) => b[1][0] - a[1][0]).slice(0, 12);
  return { totalMB: +(total / 1048576).toFixed(1), top: top.map(([n, [b, c]]) => `${n} ${(b / 1048576).toFixed(1)}MB/${c}`) };
}

test(`profile the webview with ${N} vehicles on ${VIEW}`, async () => {
  const port = await freePort();
  const app = await startInspectedApp(port, N);
  try {
    const ins = await Inspector.connect(port);
    const js = (expression) => ins.evaluate(expression);
    const click = (id) => js(`(() => { const e = document.querySelector('[data-testid="${id}"]'); e?.click(); return !!e; })()`);
    await until("the navigation", () => click("nav-fleet"), 60_000, 500);
    await until("vehicles", async () => Number(await js(`document.querySelector('[data-testid="fleet-map"]')?.getAttribute("data-vehicle-count")`)) >= N * 0.9, 120_000, 500);
    if (VIEW !== "fleet") await click(`nav-${VIEW}`);
    await sleep(10_000);
    // Frame times first without the profiler (its own cost shows in the frames with it).
    const frameStats = async () => {
      await js("window.__opsdeck.frameTimes.length = 0");
      await sleep(SECONDS * 1000);
      const ft = (await js("window.__opsdeck.frameTimes.slice()")).sort((a, c) => a - c);
      // Slow frames a second: p95 stays on time only while fewer than 5 % of frames are slow.
      const slow = ft.filter((t) => t > 20).length / SECONDS;
      return `${ft.length} frames, p50 ${quantile(ft, 0.5)?.toFixed(0)} ms, p95 ${quantile(ft, 0.95)?.toFixed(0)} ms, ${slow.toFixed(1)} slow (> 20 ms) a second`;
    };
    console.log(`without the profiler: ${await frameStats()}`);
    // PROFILE_TRY='label=>js;;label=>@file.js': experiments, each measured after its script ran
    // (e.g. hiding a part of the page to see what its drawing costs).
    for (const step of (process.env.PROFILE_TRY ?? "").split(";;").filter(Boolean)) {
      const at = step.indexOf("=>");
      const [label, given] = [step.slice(0, at), step.slice(at + 2)];
      // @file: its script; !gc: a full garbage collection (the inspector's Heap.gc); !mem:
      // WebKit's memory categories (the inspector's Memory timeline); !heap: the largest
      // classes of a JavaScript heap snapshot; !smaps: the app's and WebKit's largest
      // mappings by PSS; !shot FILE: a screenshot of the X display.
      const code = given.startsWith("@") ? readFileSync(given.slice(1), "utf8") : given;
      const out = code === "!gc" ? await ins.call("Heap.gc")
        : code === "!mem" ? await memoryCategories(ins)
        : code === "!heap" ? await heapClasses(ins)
        : code === "!smaps" ? smapsBreakdown()
        : code.startsWith("!shot ") ? execSync(`/usr/bin/import -window root ${code.slice(6)}`, { encoding: "utf8" })
        : await js(code);
      await sleep(3000);
      console.log(`${label}${out === undefined ? "" : ` (${JSON.stringify(out)})`}: ${await frameStats()}; WebKit PSS ${webkitPssMB()} MB`);
    }
    const records = [];
    let samples = null;
    ins.on("Timeline.eventRecorded", (p) => records.push(p.record));
    ins.on("ScriptProfiler.trackingComplete", (p) => { samples = p.samples; });
    await ins.call("Timeline.enable").catch(() => {});
    await ins.call("Timeline.start", { maxCallStackDepth: 0 });
    await ins.call("ScriptProfiler.startTracking", { includeSamples: true });
    const profiled = await frameStats();
    await ins.call("Timeline.stop");
    await ins.call("ScriptProfiler.stopTracking");
    await until("the profiler's samples", () => samples, 60_000, 200);
    const frames = records.filter((r) => r.type === "RenderingFrame");
    const lines = [`${N} vehicles, ${VIEW}, ${SECONDS} s: ${records.length} timeline records, ${frames.length} rendering frames, ${samples.stackTraces.length} JS samples; ${profiled}`];
    lines.push("timeline records by type:");
    for (const [type, n] of timelineCounts(records)) lines.push(`  ${String(n).padStart(7)}  ${type}`);
    const hot = hottest(samples.stackTraces);
    lines.push("JS samples, self:");
    for (const [name, n] of hot.self) lines.push(`  ${String(n).padStart(6)}  ${name}`);
    lines.push("JS samples, total:");
    for (const [name, n] of hot.total) lines.push(`  ${String(n).padStart(6)}  ${name}`);
    console.log(lines.join("\n"));
    ins.ws.close();
  } finally {
    await app.stop();
  }
});
