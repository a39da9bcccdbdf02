// Alerts and geofences, end to end, in embedded mode:
// (a) an emergency raised by a socket.io-client dispatcher peer shows up in the app's Alerts
//     feed; acking it in the app reaches the peer (`alert:acked`, and `alert:list` shows who
//     and when); the peer acks another one and the app shows it acked by the peer; "Show on
//     map" selects the vehicle on the Fleet screen.
// (b) a geofence drawn on the map with real pointer clicks (centre, then edge) around where
//     a vehicle is about to report; the vehicle reports outside, then inside, and the enter
//     alert appears in the Alerts feed.
// (c) remote mode (a profile to a separate opsdeck-server, app as dispatcher): ack reaches a
//     peer; a circle typed into the form and a polygon drawn by three clicks reach the server;
//     the enter alert shows; both are deleted from the list.
// Screenshots: docs/alerts.png, docs/geofences.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { clickFresh, connected, go, gone, keyringSecret, launchApp, screenshot, sign, sleep, startServer, testid, until, useRemoteProfile } from "./harness.mjs";

const row = (id) => `${testid("alert-row")}[data-id="${id}"]`;



/** An acked request (`{success, ...}`); rejects on failure. */
function request(socket, event, payload) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${event}: no ack`)), 10_000);
    socket.emit(event, payload, (r) => {
      clearTimeout(t);
      if (r?.success) resolve(r);
      else reject(new Error(`${event}: ${JSON.stringify(r?.error ?? r)}`));
    });
  });
}

async function dispatcherPeer(url, secret) {
  const peer = io(url, {
    auth: { token: sign(secret, { sub: "e2e-dispatcher", role: "dispatcher", name: "Dana Dispatcher" }) },
    transports: ["websocket"],
    reconnection: false,
  });
  await new Promise((resolve, reject) => {
    peer.on("connected", resolve);
    peer.on("connect_error", reject);
  });
  return peer;
}

/** Raises an emergency from the peer; resolves with the alert id the server reports. */
async function raise(peer, vehicleId, type, message) {
  const seen = new Promise((resolve) => {
    const on = (e) => {
      if (e.vehicleId === vehicleId && e.alert.message === message) {
        peer.off("emergency:alert", on);
        resolve(e.alert.id);
      }
    };
    peer.on("emergency:alert", on);
  });
  await request(peer, "emergency:raise", { vehicleId, type, message });
  const id = await Promise.race([seen, new Promise((r) => setTimeout(() => r(null), 10_000))]);
  assert.ok(id, "the peer got emergency:alert with the alert id");
  return id;
}

test("alerts: ack in the app and in a peer, both ways; geofence drawn on the map raises an enter alert", async () => {
  const app = await launchApp();
  let peer;
  try {
    const { browser, port } = app;
    await connected(browser);
    peer = await dispatcherPeer(`http://127.0.0.1:${port}`, keyringSecret());
    const stamp = Date.now().toString(36);
    const vehicle = `E2E-AL-${stamp}`;
    await request(peer, "vehicle:upsert", { id: vehicle, plateNumber: `PL-${stamp}`, name: "E2E alert truck" });
    await request(peer, "location:report", { vehicleId: vehicle, lat: 24.6, lng: 46.6, speed: 30 });

    // (a1) The app acks; the peer hears it and lists it as acked.
    await go(browser, "alerts");
    const first = await raise(peer, vehicle, "sos", `E2E sos ${stamp}`);
    const ackedAtPeer = new Promise((resolve) => peer.on("alert:acked", (a) => a.alertId === first && resolve(a)));
    await (await browser.$(row(first))).waitForExist({ timeout: 20_000 });
    assert.equal(await (await browser.$(row(first))).getAttribute("data-priority"), "critical");
    assert.equal(await (await browser.$(row(first))).getAttribute("data-acked"), "false");
    await (await browser.$(`${row(first)} ${testid("alert-ack")}`)).click();
    const acked = await Promise.race([ackedAtPeer, new Promise((r) => setTimeout(() => r(null), 15_000))]);
    assert.ok(acked, "the peer received alert:acked");
    assert.equal(acked.ackedBy.id, "desktop-admin");
    assert.ok(!Number.isNaN(Date.parse(acked.ackedAt)), "ackedAt is a time");
    const listed = (await request(peer, "alert:list", { limit: 50 })).alerts.find((a) => a.id === first);
    assert.equal(listed.ackedBy.id, "desktop-admin", "alert:list shows who acked");
    assert.equal(listed.ackedAt, acked.ackedAt, "and when");
    await until("the app to show its own ack", async () => (await (await browser.$(row(first))).getAttribute("data-acked")) === "true", 15_000);

    // (a2) The peer acks; the app shows it acked by the peer, live.
    const second = await raise(peer, vehicle, "breakdown", `E2E breakdown ${stamp}`);
    await (await browser.$(row(second))).waitForExist({ timeout: 20_000 });
    assert.equal(await (await browser.$(row(second))).getAttribute("data-priority"), "high");
    await request(peer, "alert:ack", { alertId: second });
    await until("the peer's ack in the app", async () => (await (await browser.$(row(second))).getAttribute("data-acked")) === "true", 15_000);
    const by = await (await browser.$(`${row(second)} ${testid("alert-acked-by")}`)).getText();
    assert.match(by, /Dana Dispatcher/);
    assert.match(by, /ago/);

    // Filters: text and unacked-only.
    await (await browser.$(testid("alerts-search"))).setValue(stamp);
    await until("the search to narrow the feed", async () => (await browser.$$(testid("alert-row"))).length === 2, 10_000);
    await (await browser.$(testid("alerts-unacked-only"))).click();
    await (await browser.$(testid("alerts-none-match"))).waitForExist({ timeout: 10_000 });
    await (await browser.$(testid("alerts-unacked-only"))).click();
    await (await browser.$(row(second))).waitForExist({ timeout: 10_000 });

    // "Show on map" selects the vehicle on the Fleet screen.
    await (await browser.$(`${row(second)} ${testid("alert-show-on-map")}`)).click();
    await (await browser.$(testid("view-fleet"))).waitForExist({ timeout: 15_000 });
    await until("the vehicle selected", async () => (await (await browser.$(`${testid("vehicle-details")} h2`)).getText()) === `PL-${stamp}`, 15_000);

    // (b) Draw a circle with the pointer: centre on the canvas centre, edge 100 px to the left.
    await until("the map to load", () => browser.execute(() => Boolean(window.__opsdeck?.map?.loaded?.())), 60_000);
    const center = { lat: 24.7, lng: 46.7 };
    await browser.execute((c) => {
      window.__opsdeck.map.jumpTo({ center: [c.lng, c.lat], zoom: 14 });
    }, center);
    await (await browser.$(testid("geofence-draw-circle"))).click();
    await (await browser.$(testid("geofence-form"))).waitForExist({ timeout: 10_000 });
    const canvas = await browser.$(".maplibregl-canvas");
    await browser.action("pointer").move({ origin: canvas, x: 0, y: 0 }).down().up().perform();
    await browser.action("pointer").move({ origin: canvas, x: -100, y: 0 }).down().up().perform();
    await until("the centre from the click", async () => (await (await browser.$(testid("geofence-radius"))).getValue()) !== "", 5000);
    const lat = Number(await (await browser.$(testid("geofence-lat"))).getValue());
    const lng = Number(await (await browser.$(testid("geofence-lng"))).getValue());
    const radius = Number(await (await browser.$(testid("geofence-radius"))).getValue());
    assert.ok(Math.abs(lat - center.lat) < 0.002 && Math.abs(lng - center.lng) < 0.002, `centre from the click: ${lat}, ${lng}`);
    // 100 px at MapLibre zoom 14 (512 px tiles) and latitude 24.7 is about 434 m.
    assert.ok(radius > 380 && radius < 490, `radius from the second click: ${radius} m`);
    const name = `E2E depot ${stamp}`;
    await (await browser.$(testid("geofence-name"))).setValue(name);
    await (await browser.$(testid("geofence-save"))).click();
    await gone(browser, testid("geofence-form"), 15_000);
    const fences = (await request(peer, "geofence:list", {})).geofences;
    const fence = fences.find((g) => g.name === name);
    assert.ok(fence?.circle, "the server has the drawn circle");
    assert.ok(Math.abs(fence.circle.radiusM - radius) < 1);

    // A vehicle reports outside, then inside: an enter alert.
    const geoVehicle = `E2E-GEO-${stamp}`;
    await request(peer, "vehicle:upsert", { id: geoVehicle, plateNumber: `GEO-${stamp}` });
    await request(peer, "location:report", { vehicleId: geoVehicle, lat: center.lat + 0.05, lng: center.lng, speed: 40 });
    await request(peer, "location:report", { vehicleId: geoVehicle, lat: center.lat, lng: center.lng + 0.001, speed: 40 });
    await (await browser.$(testid("geofence-list-toggle"))).click();
    await (await browser.$(`${testid("geofence-item")}[data-name="${name}"]`)).waitForExist({ timeout: 10_000 });
    await (await browser.$(testid("geofence-list-toggle"))).click();
    await gone(browser, testid("geofence-list"), 5000);
    await sleep(1500); // the X screenshot trails the webview by a frame or two
    screenshot("geofences.png");
    await until("the name on the map", () =>
      browser.execute((n) => [...document.querySelectorAll(".geofence-label")].some((el) => el.textContent === n && el.getBoundingClientRect().width > 0), name), 5000);
    // Hide and show again; the choice is remembered.
    const fenceVisibility = () => browser.execute(() => window.__opsdeck.map.getLayoutProperty("geofence-line", "visibility") ?? "visible");
    await (await browser.$(testid("geofences-visible"))).click();
    await until("geofences hidden", async () => (await fenceVisibility()) === "none", 5000);
    assert.equal(await browser.execute(() => localStorage.getItem("opsdeck.geofences.visible")), "false");
    await (await browser.$(testid("geofences-visible"))).click();
    await until("geofences shown", async () => (await fenceVisibility()) === "visible", 5000);

    await go(browser, "alerts");
    await (await browser.$(testid("alerts-search"))).setValue(name);
    const enter = await until("the geofence enter alert in the feed", async () => {
      for (const r of await browser.$$(`${testid("alert-row")}[data-kind="geofence"]`)) {
        const text = await r.getText();
        if (text.includes(`${geoVehicle} entered ${name}`)) return text;
      }
      return null;
    }, 30_000);
    assert.match(enter, new RegExp(geoVehicle));
    // The whole feed (simulator alerts too) for the screenshot.
    await (await browser.$(testid("alerts-search"))).clearValue();
    await (await browser.$(testid("alerts-search"))).setValue("E2E");
    await until("the e2e alerts listed", async () => (await browser.$$(testid("alert-row"))).length >= 3, 10_000);
    await sleep(1500);
    screenshot("alerts.png");
  } finally {
    peer?.close();
    await app.stop();
  }
});

test("remote mode: alerts, a typed circle and a drawn polygon against a separate opsdeck-server", async () => {
  const server = await startServer();
  const app = await launchApp();
  let peer;
  try {
    const { browser } = app;
    await connected(browser);
    await useRemoteProfile(browser, server, "Remote HQ");
    await connected(browser);

    peer = await dispatcherPeer(server.url, server.secret);
    await request(peer, "vehicle:upsert", { id: "R-1", plateNumber: "REMOTE-1" });
    await request(peer, "location:report", { vehicleId: "R-1", lat: 24.6, lng: 46.6, speed: 20 });
    await go(browser, "alerts");
    const id = await raise(peer, "R-1", "panic", "remote panic");
    const acked = new Promise((resolve) => peer.on("alert:acked", (a) => a.alertId === id && resolve(a)));
    await (await browser.$(`${row(id)} ${testid("alert-ack")}`)).waitForClickable({ timeout: 20_000 });
    await (await browser.$(`${row(id)} ${testid("alert-ack")}`)).click();
    const a = await Promise.race([acked, new Promise((r) => setTimeout(() => r(null), 15_000))]);
    assert.equal(a?.ackedBy.id, "remote-op", "the peer heard the remote operator's ack");
    assert.equal(a.ackedBy.name, "Remote Operator");
    await until("acked in the app", async () => (await (await browser.$(row(id))).getAttribute("data-acked")) === "true", 15_000);

    // A circle typed into the form (centre + radius), then an enter.
    await go(browser, "fleet");
    await (await browser.$(testid("geofence-draw-circle"))).click();
    await (await browser.$(testid("geofence-lat"))).setValue("24.65");
    await (await browser.$(testid("geofence-lng"))).setValue("46.65");
    await (await browser.$(testid("geofence-radius"))).setValue("300");
    await (await browser.$(testid("geofence-name"))).setValue("Remote yard");
    await (await browser.$(testid("geofence-save"))).click();
    await gone(browser, testid("geofence-form"), 15_000);
    const fence = (await request(peer, "geofence:list", {})).geofences.find((g) => g.name === "Remote yard");
    assert.deepEqual(fence?.circle, { lat: 24.65, lng: 46.65, radiusM: 300 });
    await request(peer, "location:report", { vehicleId: "R-1", lat: 24.65, lng: 46.6505, speed: 20 });
    await go(browser, "alerts");
    await until("the remote enter alert", async () => {
      for (const r of await browser.$$(`${testid("alert-row")}[data-kind="geofence"]`)) {
        if ((await r.getText()).includes("R-1 entered Remote yard")) return true;
      }
      return false;
    }, 30_000);

    // A polygon from three clicks on the map canvas.
    await go(browser, "fleet");
    await until("the map to load", () => browser.execute(() => Boolean(window.__opsdeck?.map?.loaded?.())), 60_000);
    await browser.execute(() => {
      window.__opsdeck.map.jumpTo({ center: [46.65, 24.65], zoom: 13 });
    });
    await (await browser.$(testid("geofence-draw-polygon"))).click();
    const canvas = await browser.$(".maplibregl-canvas");
    for (const [x, y] of [[-120, -80], [-20, -80], [-70, 60]]) {
      await browser.action("pointer").move({ origin: canvas, x, y }).down().up().perform();
    }
    await until("three corners", async () => (await (await browser.$(testid("geofence-corners"))).getText()).startsWith("3 corners"), 5000);
    await (await browser.$(testid("geofence-name"))).setValue("Remote triangle");
    await (await browser.$(testid("geofence-save"))).click();
    await gone(browser, testid("geofence-form"), 15_000);
    const tri = (await request(peer, "geofence:list", {})).geofences.find((g) => g.name === "Remote triangle");
    assert.equal(tri?.polygon?.length, 3, "the server has the drawn polygon");
    assert.ok(tri.polygon.every(([lat, lng]) => Math.abs(lat - 24.65) < 0.05 && Math.abs(lng - 46.65) < 0.05));

    // Deleting both (two steps each) empties the server's list.
    await (await browser.$(testid("geofence-list-toggle"))).click();
    for (const n of ["Remote yard", "Remote triangle"]) {
      const item = `${testid("geofence-item")}[data-name="${n}"]`;
      await clickFresh(browser, `${item} ${testid("geofence-delete")}`);
      await clickFresh(browser, `${item} ${testid("geofence-delete-confirm")}`);
      await gone(browser, item, 15_000);
    }
    await (await browser.$(testid("geofence-empty"))).waitForExist({ timeout: 15_000 });
    assert.equal((await request(peer, "geofence:list", {})).geofences.length, 0);
  } finally {
    peer?.close();
    await app.stop();
    await server.stop();
  }
});
