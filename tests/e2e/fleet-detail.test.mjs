// Vehicle detail and trips, end to end in the real app: embedded server + simulator → select a
// moving vehicle → its history replay (track on the map, speed chart, slider and playback move
// the replay marker) → start a trip for it from the UI (destination clicked on the map) → the
// trips list shows it with progress and ETA → cancel it with a reason. A socket.io-client
// dispatcher peer sees trip:started and trip:cancelled. Then the same against a remote
// opsdeck-server. Screenshots: docs/vehicle-history.png, docs/trips.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { connected, go, keyringSecret, launchApp, screenshot, sign, sleep, startServer, testid, until, useRemoteProfile } from "./harness.mjs";

// textContent: WebKit's getText leaves out text in clipped (ellipsis) boxes.
const text = (browser, el) => browser.execute((e) => e.textContent, el);

/** Screenshot once the webview has painted its latest frames (X captures lag behind the DOM). */
async function shot(browser, name) {
  // Two animation frames so the last update is painted; `done` needs a value WebKitWebDriver can
  // serialise (with none it answers "Could not parse script result").
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));
  await sleep(1500);
  screenshot(name);
}



async function mapReady(browser, min) {
  await until("vehicles on the map", async () =>
    Number(await (await browser.$(testid("fleet-map"))).getAttribute("data-vehicle-count")) >= min, 60_000);
  await until("the map to finish loading", () => browser.execute(() => Boolean(window.__opsdeck?.map?.loaded?.())), 60_000);
}

/** Selects a vehicle that is moving now (its row shows > 5 km/h and it has a position); returns its id. */
async function selectMovingVehicle(browser) {
  // Only active vehicles in the list, so moving ones are among the rendered rows.
  for (const s of ["idle", "offline", "maintenance", "emergency"]) await (await browser.$(testid(`status-filter-${s}`))).click();
  return until("a moving vehicle", async () => {
    const found = await browser.execute(() => {
      const rows = [...document.querySelectorAll('[data-testid="vehicle-row"]')];
      for (const row of rows) {
        const kmh = Number.parseFloat(row.querySelector(".speed")?.textContent ?? "");
        if (kmh > 5) return { id: row.dataset.vehicleId };
      }
      return { sample: rows.slice(0, 4).map((r) => `${r.dataset.status}: ${r.textContent}`).join(" | ") };
    });
    if (!found.id) throw new Error(`no moving vehicle in the list: ${found.sample}`);
    const id = found.id;
    await (await browser.$(`${testid("vehicle-row")}[data-vehicle-id="${id}"]`)).click();
    const shown = await until("the vehicle's details", () =>
      browser.execute(() => document.querySelector('[data-testid="vehicle-details"] h2')?.textContent ?? null), 5_000);
    const plate = await browser.execute((v) => document.querySelector(`[data-vehicle-id="${v}"] .plate`)?.textContent, id);
    assert.equal(shown, plate, "the clicked vehicle is selected");
    return id;
  }, 40_000, 1000);
}

const marker = (browser) =>
  browser.execute(() => {
    const m = document.querySelector('[data-testid="replay-marker"]');
    return m && m.style.display !== "none" ? { lat: m.dataset.lat, lng: m.dataset.lng, t: Number(m.dataset.t), transform: m.style.transform } : null;
  });

/** Opens the selected vehicle's history and checks track, chart, slider and playback. */
async function checkHistory(browser) {
  await (await browser.$(testid("detail-history"))).click();
  const panel = await browser.$(testid("history-panel"));
  await panel.waitForExist({ timeout: 10_000 });
  // Right after start the vehicle has only a few fixes: reload until the track has some.
  const points = await until("a track with fixes", async () => {
    if ((await panel.getAttribute("data-load")) !== "ready") return null;
    const n = Number(await panel.getAttribute("data-track-points"));
    if (n >= 3) return n;
    await (await browser.$(testid("history-range-15m"))).click();
    return null;
  }, 60_000, 2000);
  assert.ok(points >= 3, `track has ${points} fixes`);
  const chartPoints = Number(await (await browser.$(testid("speed-chart"))).getAttribute("data-points"));
  assert.ok(chartPoints > 0, `chart draws ${chartPoints} points`);
  const path = await (await browser.$(testid("speed-path"))).getAttribute("d");
  assert.match(path, /^M[\d.]+ [\d.]+L/, "the speed line is drawn");
  // The track is really drawn on the map.
  const rendered = await until("the track rendered on the map", () =>
    browser.execute(() => window.__opsdeck.map.queryRenderedFeatures({ layers: ["history-track-line"] }).length), 15_000);
  assert.ok(rendered > 0);

  // The slider moves the replay marker (and the chart cursor) to the end of the track.
  const start = await marker(browser);
  assert.ok(start, "the replay marker is shown");
  const cursor0 = await (await browser.$(testid("chart-cursor"))).getAttribute("data-x");
  const slider = await browser.$(testid("history-slider"));
  await slider.click();
  await browser.keys(["End"]);
  await until("the marker at the end of the track", async () => {
    const m = await marker(browser);
    return m && m.t > start.t && m.transform !== start.transform;
  }, 10_000);
  assert.notEqual(await (await browser.$(testid("chart-cursor"))).getAttribute("data-x"), cursor0, "chart cursor follows");
  const end = await marker(browser);
  assert.ok(end.lat !== start.lat || end.lng !== start.lng, "a moving vehicle's marker moved");

  // Play from the start at x60: the marker advances by itself.
  await browser.keys(["Home"]);
  await until("the marker back at the start", async () => (await marker(browser)).t === start.t, 5_000);
  await (await browser.$(testid("history-rate-60"))).click();
  await (await browser.$(testid("history-play"))).click();
  await until("playback to move the marker", async () => (await marker(browser)).t > start.t, 10_000);
  // Leave it replaying in real time for the screenshot.
  await until("playback to stop at the end", async () => (await text(browser, await browser.$(testid("history-play")))).includes("Play"), 10_000);
  await (await browser.$(testid("history-rate-1"))).click();
  await (await browser.$(testid("history-play"))).click();
  return points;
}

/** Starts a trip for the selected vehicle from the Trips tab; returns its row. */
async function startTrip(browser, vehicleId) {
  await (await browser.$(testid("fleet-tab-trips"))).click();
  await (await browser.$(testid("trips-panel"))).waitForExist({ timeout: 5_000 });
  await until("the trips list", () => browser.execute(() => !document.querySelector('[data-testid="trips-panel"] [data-testid="state-loading"]')), 10_000);
  // Moving simulated vehicles are usually on a trip of their own (a vehicle has at most one
  // open trip): cancel it from the list first.
  const own = await browser.$(`${testid("trip-row")}[data-vehicle-id="${vehicleId}"]`);
  if ((await own.isExisting()) && ["started", "ongoing"].includes(await own.getAttribute("data-status"))) {
    await cancelTrip(browser, own, "E2E: reassigning the vehicle");
  }
  await (await browser.$(testid("trip-new"))).click();
  await (await browser.$(testid("trip-form"))).waitForExist({ timeout: 5_000 });
  assert.equal(await (await browser.$(testid("trip-vehicle"))).getValue(), vehicleId, "the selected vehicle is preset");
  await (await browser.$(testid("trip-pick"))).click();
  await (await browser.$(testid("fleet-map"))).click({ x: 120, y: -80 });
  await until("the destination from the map click", async () =>
    Number.isFinite(Number.parseFloat(await (await browser.$(testid("trip-dest-lat"))).getValue())), 5_000);
  await (await browser.$(testid("trip-dest-name"))).setValue("E2E drop-off");
  await (await browser.$(testid("trip-start"))).click();
  const row = await until("the new trip in the list", async () => {
    for (const r of await browser.$$(testid("trip-row"))) {
      if ((await r.getAttribute("data-vehicle-id")) === vehicleId && ["started", "ongoing"].includes(await r.getAttribute("data-status"))) return r;
    }
    return null;
  }, 20_000);
  assert.match(await text(browser, row), /E2E drop-off/);
  const progress = Number(await (await row.$(testid("trip-progress"))).getAttribute("aria-valuenow"));
  assert.ok(progress >= 0 && progress <= 100, `progress ${progress}`);
  await until("an ETA for the trip", async () => /^(in \d|due now|late by)/.test(await (await row.$(testid("trip-eta"))).getText()), 30_000);
  return row;
}

async function cancelTrip(browser, row, reason) {
  const id = await row.getAttribute("data-trip-id");
  const sel = `${testid("trip-row")}[data-trip-id="${id}"]`;
  // Open trips are listed by ETA and move as the simulator advances them: a click can land
  // on a neighbour that slid under the pointer. Click until this trip's confirmation is open.
  const own = await until("the cancel confirmation", async () => {
    const r = await browser.$(sel);
    if (await (await r.$(testid("trip-cancel-confirm"))).isExisting()) return r;
    const cancel = await r.$(testid("trip-cancel"));
    if (await cancel.isExisting()) await cancel.click().catch(() => {});
    return null;
  }, 15_000);
  const confirm = await own.$(testid("trip-cancel-confirm"));
  assert.equal(await confirm.isEnabled(), false, "no cancel without a reason");
  await (await own.$(testid("trip-cancel-reason"))).setValue(reason);
  await confirm.click();
  await until("the trip shown cancelled", async () => {
    const r = await browser.$(`${testid("trip-row")}[data-trip-id="${id}"]`);
    return (await r.getAttribute("data-status")) === "cancelled" && (await text(browser, r)).includes(reason);
  }, 15_000);
  return id;
}

test("embedded mode: history replay, and a trip started and cancelled from the app", async () => {
  const app = await launchApp();
  let peer;
  try {
    const { browser, port } = app;
    await connected(browser);
    await go(browser, "fleet");
    await mapReady(browser, 50);

    const vehicleId = await selectMovingVehicle(browser);
    assert.ok(vehicleId);
    await checkHistory(browser);
    await shot(browser, "vehicle-history.png");
    await (await browser.$(testid("history-close"))).click();

    // A dispatcher peer on the embedded server, watching trips on the tracking room.
    peer = io(`http://127.0.0.1:${port}`, {
      auth: { token: sign(keyringSecret(), { sub: "e2e-dispatch", role: "dispatcher", name: "E2E Dispatch" }) },
      transports: ["websocket"],
      reconnection: false,
    });
    await new Promise((resolve, reject) => {
      peer.on("connected", resolve);
      peer.on("connect_error", reject);
    });
    const seen = [];
    peer.on("trip:started", (e) => seen.push(["started", e]));
    peer.on("trip:cancelled", (e) => seen.push(["cancelled", e]));
    const sub = await peer.emitWithAck("subscribe:tracking", { batchMs: 1000 });
    assert.equal(sub.success, true);

    const row = await startTrip(browser, vehicleId);
    const tripId = await row.getAttribute("data-trip-id");
    await until("the peer's trip:started", () => seen.some(([k, e]) => k === "started" && e.tripId === tripId && e.data.vehicleId === vehicleId), 10_000);
    const started = seen.find(([k, e]) => k === "started" && e.tripId === tripId)[1];
    assert.equal(started.data.destination.name, "E2E drop-off");
    await shot(browser, "trips.png");

    await cancelTrip(browser, row, "E2E: customer called off");
    await until("the peer's trip:cancelled", () => seen.some(([k, e]) => k === "cancelled" && e.tripId === tripId), 10_000);
    assert.equal(seen.find(([k, e]) => k === "cancelled" && e.tripId === tripId)[1].reason, "E2E: customer called off");
    // The vehicle is free again: a new trip can be offered for it.
    const again = await peer.emitWithAck("subscribe:trip", tripId);
    assert.equal(again.trip.status, "cancelled");
  } finally {
    peer?.close();
    await app.stop();
  }
});

test("remote mode: history and trips through a separately started opsdeck-server", async () => {
  const server = await startServer(["--demo", "--vehicles", "30"]);
  const app = await launchApp();
  try {
    const { browser } = app;
    await connected(browser);
    await useRemoteProfile(browser, server, "Remote HQ", { sub: "remote-dispatch", role: "dispatcher", name: "Remote Dispatch" });
    await connected(browser);
    await go(browser, "fleet");
    await mapReady(browser, 20);
    const vehicleId = await selectMovingVehicle(browser);
    await checkHistory(browser);
    await (await browser.$(testid("history-close"))).click();
    const row = await startTrip(browser, vehicleId);
    await cancelTrip(browser, row, "remote e2e");

    // A viewer sees the same trips, read-only.
    await go(browser, "connection");
    await (await browser.$(testid("profile-name"))).setValue("Remote viewer");
    await (await browser.$(testid("profile-url"))).setValue(server.url);
    await (await browser.$(testid("profile-token"))).setValue(sign(server.secret, { sub: "remote-viewer", role: "viewer", name: "Remote Viewer" }));
    await (await browser.$(testid("profile-save"))).click();
    const viewerRow = await until("the viewer profile", () =>
      browser.execute(() => [...document.querySelectorAll('[data-testid="profile-row"]')].find((r) => r.textContent.includes("Remote viewer"))?.dataset.id ?? null), 15_000);
    const useViewer = await browser.$(`${testid("profile-row")}[data-id="${viewerRow}"] ${testid("profile-use")}`);
    await useViewer.waitForClickable({ timeout: 15_000 });
    await useViewer.click();
    await until("signed in as the viewer", () => browser.execute(() => document.body.textContent.includes("Remote Viewer · viewer")), 30_000);
    await connected(browser);
    await go(browser, "fleet");
    await (await browser.$(testid("fleet-tab-trips"))).click();
    await (await browser.$(testid("trips-readonly"))).waitForExist({ timeout: 10_000 });
    await until("the open trips for the viewer", async () => (await browser.$$(testid("trip-row"))).length > 0, 30_000);
    assert.equal(await (await browser.$(testid("trip-new"))).isExisting(), false, "no New trip for a viewer");
    assert.equal(await (await browser.$(testid("trip-cancel"))).isExisting(), false, "no Cancel for a viewer");
    assert.equal(await (await browser.$(testid("trip-complete"))).isExisting(), false, "no Complete for a viewer");
  } finally {
    await app.stop();
    await server.stop();
  }
});
