// The real desktop app, end to end: embedded server + simulator → KPIs move → the map shows
// vehicles → a broadcast sent from the app reaches a separate socket.io-client peer and
// appears in the sent history; then remote mode against a separately started opsdeck-server.
// Screenshots of each screen go to docs/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { connected, go, keyringSecret, launchApp, screenshot, sign, sleep, startServer, testid, until, useRemoteProfile } from "./harness.mjs";




test("embedded mode: live KPIs, fleet map, broadcast to a socket.io peer", async () => {
  const app = await launchApp();
  let peer;
  try {
    const { browser, port } = app;
    await connected(browser);
    await go(browser, "overview");

    // KPI values appear, then change (the simulator reports every few seconds).
    const card = () => browser.$(`${testid("kpi-card")}[data-module="finance"] ${testid("kpi-value")}`);
    const first = await until("a finance KPI value", async () => {
      const t = await (await card()).getText();
      return t && t.trim() !== "" ? t : null;
    });
    await until("the KPI value to change", async () => (await (await card()).getText()) !== first, 60_000);
    screenshot("overview.png");

    // The map shows the simulated fleet.
    await go(browser, "fleet");
    const count = await until("vehicles on the map", async () => {
      const n = Number(await (await browser.$(testid("fleet-map"))).getAttribute("data-vehicle-count"));
      return n >= 100 ? n : null;
    }, 60_000);
    assert.ok(count >= 100, `map shows ${count} vehicles`);
    await until("the map to finish loading", () =>
      browser.execute(() => Boolean(window.__opsdeck?.map?.loaded?.())), 60_000);
    // The offline map draws the simulator's streets (every road class) under the vehicles.
    await until("the simulated streets", async () =>
      Number(await (await browser.$(testid("fleet-map"))).getAttribute("data-roads")) >= 4, 20_000);
    await sleep(3000);
    screenshot("fleet.png");

    // A peer connected to the embedded server with a token signed by the app's own secret.
    const secret = keyringSecret();
    assert.ok(secret.length >= 32, "the signing secret is in the OS keyring");
    peer = io(`http://127.0.0.1:${port}`, {
      auth: { token: sign(secret, { sub: "e2e-peer", role: "viewer", name: "E2E Peer" }) },
      transports: ["websocket"],
      reconnection: false,
    });
    await new Promise((resolve, reject) => {
      peer.on("connected", resolve);
      peer.on("connect_error", reject);
    });
    const title = `E2E broadcast ${Date.now()}`;
    const received = new Promise((resolve) => peer.on("notification:broadcast", (n) => n.title === title && resolve(n)));

    await go(browser, "notifications");
    await (await browser.$(testid("compose-title"))).setValue(title);
    await (await browser.$(testid("compose-message"))).setValue("Sent from the desktop app by the e2e test");
    await (await browser.$(testid("compose-send"))).click();
    await (await browser.$(testid("compose-confirm"))).waitForClickable({ timeout: 10_000 });
    await (await browser.$(testid("compose-confirm"))).click();
    const n = await Promise.race([received, sleep(20_000).then(() => null)]);
    assert.ok(n, "the peer received the broadcast");
    assert.equal(n.message, "Sent from the desktop app by the e2e test");
    await until("the sent history row", async () => {
      for (const row of await browser.$$(testid("sent-row"))) {
        if ((await row.getText()).includes(title)) return true;
      }
      return false;
    }, 20_000);
    screenshot("notifications.png");

    await go(browser, "people");
    await until("the peer in People", async () => {
      for (const row of await browser.$$(testid("person-row"))) {
        if ((await row.getText()).includes("E2E Peer")) return true;
      }
      return false;
    }, 20_000);
    screenshot("people.png");
  } finally {
    peer?.close();
    await app.stop();
  }
});

test("remote mode: a profile to a separately started opsdeck-server", async () => {
  const server = await startServer(["--demo", "--vehicles", "50"]);
  const app = await launchApp();
  try {
    const { browser } = app;
    await connected(browser);
    await useRemoteProfile(browser, server, "Headless HQ");
    await connected(browser);
    await until("the remote server's URL in the status bar", async () =>
      (await (await browser.$("body")).getText()).includes(server.url.replace("http://", "")), 30_000);
    screenshot("connection.png");
    await go(browser, "overview");
    await until("KPIs from the remote server", async () =>
      (await browser.$$(testid("kpi-value"))).length > 0, 60_000);
    await go(browser, "fleet");
    await until("remote vehicles on the map", async () =>
      Number(await (await browser.$(testid("fleet-map"))).getAttribute("data-vehicle-count")) >= 40, 60_000);
    // The embedded simulator's streets are not drawn over a remote server's fleet.
    await until("the map's answer about streets", async () =>
      (await (await browser.$(testid("fleet-map"))).getAttribute("data-roads")) !== null, 30_000);
    assert.equal(await (await browser.$(testid("fleet-map"))).getAttribute("data-roads"), "0");
  } finally {
    await app.stop();
    await server.stop();
  }
});
