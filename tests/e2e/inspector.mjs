// WebKit's remote inspector (WEBKIT_INSPECTOR_HTTP_SERVER), spoken over its websocket: the
// page of an app started directly, for measurements (bench/jsprofile.mjs) and for tests that
// outlive what WebKitWebDriver can (a web process that dies ends its session).
import WebSocket from "ws";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { APP, freePort, previousAppGone, until, writeDemoSettings } from "./harness.mjs";

/** One page target of WebKit's remote inspector, behind its Target multiplexing. */
export class Inspector {
  constructor(ws, targetId) {
    this.ws = ws;
    this.targetId = targetId;
    this.next = 1;
    this.pending = new Map();
    this.handlers = new Map();
  }

  static async connect(port) {
    const html = await until("the inspector's target list", async () => {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      const t = await r.text();
      return /\/socket\/[^'" ]+/.test(t) ? t : null;
    }, 30_000, 500);
    const path = html.match(/\/socket\/[^'" ]+/)[0];
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { maxPayload: 1 << 30 });
    let inspector;
    let target;
    ws.on("message", (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.method === "Target.targetCreated" && m.params.targetInfo.type === "page") target = m.params.targetInfo.targetId;
      else if (m.method === "Target.dispatchMessageFromTarget") inspector?.dispatch(JSON.parse(m.params.message));
    });
    await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); });
    await until("the page target", () => target, 15_000, 100);
    inspector = new Inspector(ws, target);
    return inspector;
  }

  dispatch(m) {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(`${m.error.message}`));
      else p?.resolve(m.result);
    } else {
      for (const h of this.handlers.get(m.method) ?? []) h(m.params);
    }
  }

  on(method, h) {
    this.handlers.set(method, [...(this.handlers.get(method) ?? []), h]);
  }

  off(method, h) {
    this.handlers.set(method, (this.handlers.get(method) ?? []).filter((x) => x !== h));
  }

  /** The value of `expression` in the page. */
  async evaluate(expression) {
    const r = await this.call("Runtime.evaluate", { expression, returnByValue: true });
    if (r.wasThrown) throw new Error(`${expression}: ${r.result.description}`);
    return r.result.value;
  }

  close() {
    this.ws.close();
  }

  call(method, params = {}) {
    const id = this.next++;
    const message = JSON.stringify({ id, method, params });
    this.ws.send(JSON.stringify({ id: 1e9 + id, method: "Target.sendMessageToTarget", params: { targetId: this.targetId, message } }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
}

/**
 * Starts the app directly (WebKitWebDriver cannot share it with the inspector) on a fresh
 * data directory with the embedded demo of `vehicles`, its page open to WebKit's remote
 * inspector on `inspectorPort`; returns { pid, dataDir, stop }.
 */
export async function startInspectedApp(inspectorPort, vehicles, { rustLog = "warn" } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "opsdeck-profile-"));
  writeDemoSettings(dataDir, vehicles, `127.0.0.1:${await freePort()}`);
  await previousAppGone();
  const child = spawn(APP, [], {
    env: { ...process.env, OPSDECK_DATA_DIR: dataDir, WEBKIT_INSPECTOR_HTTP_SERVER: `127.0.0.1:${inspectorPort}`, RUST_LOG: rustLog },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return {
    pid: child.pid,
    dataDir,
    stop: async () => {
      child.kill("SIGTERM");
      await previousAppGone();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
