// Harness for end-to-end tests of the real desktop app: tauri-driver (WebDriver) in front of
// WebKitWebDriver, which launches target/debug/opsdeck in the X display of .ci/desktop-env.sh.
// Each test run gets its own data directory and embedded-server port.
import { spawn, execFileSync, execSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import net from "node:net";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const APP = process.env.OPSDECK_APP_BIN ?? path.join(ROOT, "target/debug/opsdeck");
export const SERVER = process.env.OPSDECK_SERVER_BIN ?? path.join(ROOT, "target/debug/opsdeck-server");
export const DOCS = path.join(ROOT, "docs");

/** A free loopback port. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; fails after `ms` with `what`. */
export async function until(what, fn, ms = 60_000, every = 250) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/**
 * Waits until nothing in the page matches `selector`. The check runs inside the page, so a
 * list re-rendering under it cannot leave WebKitWebDriver holding a stale element handle.
 */
export async function gone(browser, selector, ms = 15_000) {
  await until(`${selector} to go`, () => browser.execute((sel) => document.querySelector(sel) === null, selector), ms);
}

/**
 * Clicks the element matching `selector`, finding it again if WebKitWebDriver reports it stale
 * because the list it sits in re-rendered between the find and the click.
 */
export async function clickFresh(browser, selector, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await browser.$(selector)).click();
    } catch (e) {
      if (attempt >= attempts || !/stale/i.test(String(e?.message))) throw e;
      await sleep(200);
    }
  }
}

/** Settings of a fresh install whose embedded server listens on `listen` with a simulator of `vehicles`. */
export function writeDemoSettings(dataDir, vehicles, listen) {
  mkdirSync(path.join(dataDir, "config"), { recursive: true });
  writeFileSync(path.join(dataDir, "config", "settings.json"), JSON.stringify({
    settings: { embedded: { listen, simulator: true, vehicles }, tileUrl: null, theme: "system" },
  }));
}

/** The `p` quantile (0..1) of ascending `sorted` values. */
export const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** HS256 JWT signed with `secret`. */
export function sign(secret, claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = { exp: Math.floor(Date.now() / 1000) + 3600, ...claims };
  const h = b64({ alg: "HS256", typ: "JWT" });
  const p = b64(body);
  const sig = crypto.createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url");
  return `${h}.${p}.${sig}`;
}

/** The embedded server's signing secret, as the app stored it in the OS keyring. */
export function keyringSecret() {
  return execFileSync("secret-tool", ["lookup", "service", "opsdeck", "username", "embedded-jwt-secret"], {
    encoding: "utf8",
  }).trim();
}

/**
 * Pids of running desktop apps launched by these tests: process name `opsdeck` with an
 * `OPSDECK_DATA_DIR` in their environment (every e2e launch sets one), optionally a given one.
 */
export function appPids(dataDir) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "opsdeck") continue;
      const env = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      const dir = env.find((v) => v.startsWith("OPSDECK_DATA_DIR="));
      if (dir && (dataDir === undefined || dir === `OPSDECK_DATA_DIR=${dataDir}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/**
 * The fields of /proc/PID/stat after the command name (which may hold spaces and brackets):
 * [0] state, [1] parent pid, [11] utime and [12] stime in clock ticks. Null once it is gone.
 */
export function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** /proc/PID/smaps_rollup as kB per field (`Rss`, `Pss`…); empty once the process is gone. */
export function smapsRollup(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Object.fromEntries([...text.matchAll(/^(\w+):\s+(\d+) kB$/gm)].map(([, k, v]) => [k, Number(v)]));
  } catch {
    return {};
  }
}

/** Kills (SIGKILL) the apps `appPids(dataDir)` finds. */
function killApps(dataDir) {
  for (const pid of appPids(dataDir)) {
    try { process.kill(pid, "SIGKILL"); } catch {}
  }
}

/** Whether the single-instance name of an app is held in this D-Bus session. */
function instanceNameTaken() {
  try {
    return execFileSync("busctl", ["--user", "list", "--no-legend"], { encoding: "utf8" }).includes("opsdeck.console.SingleInstance");
  } catch {
    return false;
  }
}

/**
 * Waits until every app launched earlier by these tests has quit, killing one that takes more
 * than `ms`: while an app holds the single-instance name, a new launch would just hand over to
 * it and exit, and the WebDriver session would wait for a window that never comes.
 */
export async function previousAppGone(ms = 15_000) {
  const gone = () => appPids().length === 0 && !instanceNameTaken();
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (gone()) return;
    await sleep(200);
  }
  const left = appPids();
  if (left.length) console.error(`e2e: apps ${left.join(", ")} still running ${ms / 1000} s after their test; killing them`);
  killApps();
  await until("the previous app to quit", gone, 10_000, 200);
}

/** Runs `promise`, giving up (resolving undefined) after `ms`. */
const bounded = (promise, ms) => Promise.race([promise.catch(() => undefined), sleep(ms)]);

/**
 * Starts tauri-driver and a WebDriver session on the app; returns { browser, port, dataDir,
 * launchedAt (epoch ms of the session request that launched it), stop }.
 */
export async function launchApp({ env = {} } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "opsdeck-e2e-"));
  // Measurements: a fresh install with a given simulator size.
  if (process.env.VEHICLES) writeDemoSettings(dataDir, Number(process.env.VEHICLES), "127.0.0.1:4700");
  await previousAppGone();
  const appDataDir = env.OPSDECK_DATA_DIR ?? dataDir;
  const port = await freePort();
  const driverPort = await freePort();
  const nativePort = await freePort();
  const driver = spawn("tauri-driver", ["--port", String(driverPort), "--native-port", String(nativePort)], {
    env: {
      ...process.env,
      OPSDECK_DATA_DIR: dataDir,
      OPSDECK_LISTEN: `127.0.0.1:${port}`,
      RUST_LOG: process.env.RUST_LOG ?? "info",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const listening = (port) => () =>
    new Promise((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => { c.end(); resolve(true); });
      c.on("error", () => resolve(false));
    });
  // tauri-driver listens at once but proxies to WebKitWebDriver, which it starts on the native
  // port: a session requested before that one listens fails with "connection refused".
  await until("tauri-driver", listening(driverPort), 20_000);
  await until("WebKitWebDriver", listening(nativePort), 20_000);
  const session = () => remote({
    hostname: "127.0.0.1",
    port: driverPort,
    logLevel: "warn",
    connectionRetryCount: 0,
    // A session normally starts in seconds; one that takes minutes will not start at all.
    connectionRetryTimeout: 90_000,
    capabilities: {
      browserName: "wry",
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP },
    },
  });
  let browser;
  // When the (last) launch was asked for: WebKitWebDriver starts the app on this request.
  let launchedAt;
  for (let attempt = 1; !browser; attempt++) {
    launchedAt = Date.now();
    try {
      browser = await session();
    } catch (e) {
      // A loaded machine can still refuse the first request; a leftover driver would keep
      // this test process alive forever, so it goes on the last failure.
      const appExited = appPids(appDataDir).length === 0;
      if (attempt >= 2) {
        driver.kill("SIGTERM");
        killApps(appDataDir);
        rmSync(dataDir, { recursive: true, force: true });
        throw e;
      }
      console.error(`WebDriver session attempt ${attempt} failed (${e.message}; app ${appExited ? "not running" : "running"}); retrying`);
      killApps(appDataDir);
      await previousAppGone();
    }
  }
  // Closing the session closes the window; the app then stops its embedded server (≤ 10 s)
  // and exits. One that outlives that is killed, so the next launch starts clean.
  const stop = async () => {
    await bounded(browser.deleteSession(), 15_000);
    driver.kill("SIGTERM");
    await previousAppGone();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { browser, port, dataDir, launchedAt, stop };
}

/** Saves a screenshot of the whole X display (window decorations included) into docs/. */
export function screenshot(name) {
  mkdirSync(DOCS, { recursive: true });
  const file = path.join(DOCS, name);
  try {
    execFileSync("/usr/bin/import", ["-window", "root", file]);
  } catch (e) {
    console.error(`screenshot ${name} failed: ${e.message}`);
  }
  return file;
}

/** Servers started by this test file: killed when it exits, even after a failed test. */
const children = new Set();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** Starts a headless opsdeck-server with a known secret; returns { url, secret, stop }. */
export async function startServer(args = []) {
  const secret = crypto.randomBytes(24).toString("hex");
  const dir = mkdtempSync(path.join(tmpdir(), "opsdeck-srv-"));
  const child = spawn(SERVER, ["serve", "--listen", "127.0.0.1:0", "--db", path.join(dir, "db.sqlite"), ...args], {
    env: { ...process.env, JWT_SECRET: secret },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  const url = await new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  // A test that fails before its `finally` must not leave the file's process waiting on us.
  child.unref();
  child.stdout.unref();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.ref(); // waiting for its exit must keep this process alive
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, secret, stop };
}

/** CSS selector of a `data-testid`. */
export const testid = (id) => `[data-testid="${id}"]`;

/** Opens a screen from the navigation and waits for it. */
export async function go(browser, view) {
  // The nav grows when the connection's capabilities arrive (Overview, Fleet, … appear before
  // Settings): a click computed before that shift lands on another item. Click until it shows.
  await until(`the ${view} view`, async () => {
    if (await (await browser.$(testid(`view-${view}`))).isExisting()) return true;
    await (await browser.$(testid(`nav-${view}`))).click().catch(() => {});
    return (await browser.$(testid(`view-${view}`))).waitForExist({ timeout: 2_000 }).then(() => true, () => false);
  }, 15_000);
}

/** Waits until the status bar says connected. */
export async function connected(browser) {
  await until("connected status", async () =>
    (await (await browser.$(testid("status-state"))).getAttribute("data-state")) === "connected", 60_000);
}

/**
 * Adds a connection profile to `server` (from `startServer`) with a token for `claims`, switches
 * to it from the Connection screen and waits for remote mode.
 */
export async function useRemoteProfile(browser, server, name, claims = { sub: "remote-op", role: "dispatcher", name: "Remote Operator" }) {
  await go(browser, "connection");
  const token = sign(server.secret, claims);
  await (await browser.$(testid("profile-name"))).setValue(name);
  await (await browser.$(testid("profile-url"))).setValue(server.url);
  await (await browser.$(testid("profile-token"))).setValue(token);
  await (await browser.$(testid("profile-save"))).click();
  const use = await browser.$(testid("profile-use"));
  await use.waitForClickable({ timeout: 15_000 });
  await use.click();
  await until("remote mode", async () => (await (await browser.$(testid("conn-mode"))).getText()).includes("remote"), 30_000);
}

/** The app under test (debug or release, OPSDECK_APP_BIN) and the WebKit processes. */
export function processes() {
  const pids = execSync(`pgrep -f '${APP}$|WebKitWebProcess|WebKitNetworkProcess|WebKitGPUProcess' || true`, { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  return pids.flatMap((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      return [{ pid, cmd, isApp: cmd.includes(APP) }];
    } catch {
      return []; // gone meanwhile
    }
  });
}
