// The Server and Settings screens of the real app, end to end, in embedded mode:
// a socket.io-client peer appears in the sockets table and is disconnected from the UI
// (it gets "io server disconnect"); a device token minted in the UI lets a second peer in;
// keyboard navigation (g s, ?, Escape); the theme chosen in Settings is applied and survives
// a relaunch. Against a remote opsdeck-server the screen is offered to admins only.
// Screenshots: docs/server.png, docs/settings.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { connected, go, keyringSecret, launchApp, screenshot, sign, sleep, startServer, testid, until } from "./harness.mjs";


/** A data dir with the simulator off (the Server screen needs no fleet). */
function quietDataDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "opsdeck-e2e-server-"));
  mkdirSync(path.join(dir, "config"), { recursive: true });
  writeFileSync(path.join(dir, "config", "settings.json"), JSON.stringify({
    settings: { embedded: { listen: "127.0.0.1:4700", simulator: false, vehicles: 10 }, tileUrl: null, theme: "system" },
  }));
  return dir;
}



function connectPeer(url, token) {
  const peer = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });
  const ready = new Promise((resolve, reject) => {
    peer.on("connected", resolve);
    peer.on("connect_error", reject);
  });
  return { peer, ready };
}

const row = (userId) => `${testid("socket-row")}[data-user-id="${userId}"]`;

test("Server screen: sockets table, disconnect a peer, mint a device token", async () => {
  const dataDir = quietDataDir();
  const app = await launchApp({ env: { OPSDECK_DATA_DIR: dataDir } });
  const peers = [];
  try {
    const { browser, port } = app;
    const url = `http://127.0.0.1:${port}`;
    await connected(browser);

    // Keyboard: "g s" opens the Server screen (offered because the app is admin on /admin).
    await (await browser.$(testid("nav-server"))).waitForExist({ timeout: 30_000 });
    await browser.execute(() => document.getElementById("main")?.focus());
    await browser.keys(["g"]);
    await browser.keys(["s"]);
    await (await browser.$(testid("view-server"))).waitForExist({ timeout: 10_000 });
    // "?" opens the shortcut help, Escape closes it.
    await browser.keys(["?"]);
    await until("the help overlay", async () => (await browser.$(testid("shortcut-help"))).getAttribute("open").then((o) => o !== null));
    await browser.keys(["Escape"]);
    await until("the help overlay to close", async () => (await (await browser.$(testid("shortcut-help"))).getAttribute("open")) === null);

    // Live stats arrive.
    await until("live stats", async () => (await (await browser.$(testid("chart-connections-sockets"))).getText()).match(/^\d+$/));

    // A peer signed with the embedded server's secret shows up in the table.
    const secret = keyringSecret();
    const first = connectPeer(url, sign(secret, { sub: "e2e-peer", role: "viewer", name: "E2E Peer" }));
    peers.push(first.peer);
    await first.ready;
    await until("the peer in the sockets table", async () => (await browser.$$(row("e2e-peer"))).length === 1, 20_000);
    const socketId = await (await browser.$(row("e2e-peer"))).getAttribute("data-socket-id");
    assert.equal(socketId, first.peer.id, "the row is the peer's socket");

    // Search narrows the table to the peer.
    await (await browser.$(testid("sockets-search"))).setValue("e2e-peer");
    await until("search to filter", async () => (await browser.$$(testid("socket-row"))).length === 1);

    // Disconnect it from the UI, with confirmation.
    const reason = new Promise((resolve) => first.peer.on("disconnect", resolve));
    await (await browser.$(`${row("e2e-peer")} ${testid("socket-disconnect")}`)).click();
    const ok = await browser.$(testid("confirm-disconnect-ok"));
    await ok.waitForClickable({ timeout: 5_000 });
    await ok.click();
    assert.equal(await Promise.race([reason, new Promise((r) => setTimeout(() => r("timeout"), 10_000))]), "io server disconnect");
    await until("the row to go", async () => (await browser.$$(row("e2e-peer"))).length === 0, 10_000);

    // Where devices connect, and a device token minted in the UI.
    await until("addresses", async () => (await (await browser.$(testid("server-addresses"))).getText()).includes(url));
    await browser.execute((sel) => {
      const input = document.querySelector(sel);
      input.value = "";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }, testid("sockets-search"));
    await until("the full table again", async () => (await browser.$$(testid("socket-row"))).length >= 1);
    await (await browser.$(testid("mint-sub"))).setValue("truck-e2e");
    await (await browser.$(testid("mint-name"))).setValue("E2E Truck");
    await (await browser.$(testid("mint-vehicle"))).setValue("V-E2E");
    await (await browser.$(testid("mint-submit"))).click();
    const token = await until("a minted token", async () => {
      const t = await (await browser.$(testid("minted-token"))).getValue();
      return t && t.split(".").length === 3 ? t : null;
    }, 10_000);
    assert.ok(await (await browser.$(`${testid("mint-qr")} svg`)).isExisting(), "a QR code is shown");

    const device = connectPeer(url, token);
    peers.push(device.peer);
    const hello = await device.ready;
    assert.equal(hello.user.id, "truck-e2e");
    assert.equal(hello.user.role, "device");
    await until("the device in the sockets table", async () => (await browser.$$(row("truck-e2e"))).length === 1, 20_000);
    await browser.execute(() => document.querySelector('[data-testid="minted"]')?.scrollIntoView({ block: "end" }));
    await sleep(1000); // let the webview repaint before the X screenshot
    screenshot("server.png");
  } finally {
    for (const p of peers) p.close();
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("Settings: the theme is applied at once and survives a relaunch", async () => {
  const dataDir = quietDataDir();
  try {
    let app = await launchApp({ env: { OPSDECK_DATA_DIR: dataDir } });
    try {
      const { browser } = app;
      await go(browser, "settings");
      await (await browser.$(testid("theme-dark"))).click();
      await until("the dark theme", async () => (await browser.execute(() => document.documentElement.dataset.theme)) === "dark", 10_000);
      await (await browser.$(testid("theme-light"))).click();
      await until("the light theme", async () => (await browser.execute(() => document.documentElement.dataset.theme)) === "light", 10_000);
      await (await browser.$(testid("theme-dark"))).click();
      await until("the dark theme again", async () => (await browser.execute(() => document.documentElement.dataset.theme)) === "dark", 10_000);
      // A bad listen address is refused with a clear message and cannot be saved.
      const listen = await browser.$(testid("settings-listen"));
      await listen.setValue("not-an-address");
      await until("the listen error", async () => (await (await browser.$(testid("settings-listen-error"))).getText()).includes("host:port"));
      assert.equal(await (await browser.$(testid("settings-save"))).isEnabled(), false);
      await listen.setValue("127.0.0.1:4700");
      await connected(browser);
      screenshot("settings.png");
    } finally {
      await app.stop();
    }
    app = await launchApp({ env: { OPSDECK_DATA_DIR: dataDir } });
    try {
      const { browser } = app;
      await until("the saved theme after relaunch", async () => (await browser.execute(() => document.documentElement.dataset.theme)) === "dark", 30_000);
      await go(browser, "settings");
      assert.equal(await (await browser.$(testid("theme-dark"))).isSelected(), true);
    } finally {
      await app.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Adds a profile in Settings and switches to it. */
async function useProfile(browser, name, url, token) {
  await go(browser, "settings");
  await (await browser.$(testid("profile-name"))).setValue(name);
  await (await browser.$(testid("profile-url"))).setValue(url);
  await (await browser.$(testid("profile-token"))).setValue(token);
  await (await browser.$(testid("profile-save"))).click();
  const use = await browser.$(`${testid("profile-row")}*=${name}`).then((r) => r.$(testid("profile-use")));
  await use.waitForClickable({ timeout: 15_000 });
  await use.click();
  await until("the remote server's URL in the status bar", async () =>
    (await (await browser.$("body")).getText()).includes(url.replace("http://", "")), 30_000);
  await connected(browser);
}

test("remote mode: the Server screen for an admin, hidden from a dispatcher", async () => {
  const server = await startServer();
  const dataDir = quietDataDir();
  const app = await launchApp({ env: { OPSDECK_DATA_DIR: dataDir } });
  const peers = [];
  try {
    const { browser } = app;
    await connected(browser);
    await useProfile(browser, "Ops dispatcher", server.url, sign(server.secret, { sub: "disp", role: "dispatcher", name: "Dispatcher" }));
    // Capabilities settle after connecting: give the /admin link time to be refused.
    await until("the dispatcher's menu without Server", async () =>
      (await browser.$(testid("nav-people")).then((e) => e.isExisting())) && !(await browser.$(testid("nav-server")).then((e) => e.isExisting())), 20_000);

    await useProfile(browser, "Ops admin", server.url, sign(server.secret, { sub: "boss", role: "admin", name: "Remote Admin" }));
    await (await browser.$(testid("nav-server"))).waitForExist({ timeout: 30_000 });
    await go(browser, "server");
    const peer = connectPeer(server.url, sign(server.secret, { sub: "remote-peer", role: "driver", name: "Remote Peer" }));
    peers.push(peer.peer);
    await peer.ready;
    await until("the remote peer in the table", async () => (await browser.$$(row("remote-peer"))).length === 1, 20_000);
    assert.equal(await (await browser.$(testid("server-addresses"))).isExisting(), false, "no embedded-only sections");
    assert.equal(await (await browser.$(testid("mint-submit"))).isExisting(), false);
  } finally {
    for (const p of peers) p.close();
    await app.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
