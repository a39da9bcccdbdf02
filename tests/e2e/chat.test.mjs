// Chat and People end to end: the desktop app (embedded mode) and a socket.io-client peer
// whose token is signed with the app's own secret. Room messages and history on scroll,
// direct messages both ways, typing notices both ways, read receipts both ways, a message
// sent while the app was offline, and People → "Message" → the conversation.
// Screenshots: docs/chat.png, docs/people.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { go, keyringSecret, launchApp, screenshot, sign, sleep, startServer, testid, until, useRemoteProfile } from "./harness.mjs";

const APP_USER = "desktop-admin"; // the embedded mode's own identity (src-tauri/src/embedded.rs)
const SEEDED = 45; // more than one history page (the UI pages by 30)

let app;
let peer;
let admin;
let room;
const peerEvents = [];

function connect(port, claims, nsp = "", { url = `http://127.0.0.1:${port}`, secret = keyringSecret() } = {}) {
  const s = io(`${url}${nsp}`, {
    auth: { token: sign(secret, claims) },
    transports: ["websocket"],
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    s.on("connect", () => resolve(s));
    s.on("connect_error", reject);
  });
}

async function ack(socket, event, payload) {
  const r = await socket.timeout(10_000).emitWithAck(event, payload);
  assert.ok(r?.success, `${event}: ${JSON.stringify(r)}`);
  return r;
}

/** Resolves with the first `event` the peer got (or gets) that matches `pred`. */
function peerGot(event, pred, ms = 20_000) {
  return until(`peer to receive ${event}`, () => peerEvents.find((e) => e.event === event && pred(e.payload))?.payload, ms);
}


async function messageTexts(browser) {
  return browser.execute(() => [...document.querySelectorAll('[data-testid="chat-message"] .text')].map((e) => e.textContent));
}

/** The typing line (read from the DOM: WebKit's element text skips this live region). */
function typingText(browser) {
  return browser.execute(() => document.querySelector('[data-testid="chat-typing"]')?.textContent ?? null);
}

before(async () => {
  app = await launchApp();
  const { browser, port } = app;
  await until("connected status", async () =>
    (await (await browser.$(testid("status-state"))).getAttribute("data-state")) === "connected", 60_000);
  peer = await connect(port, { sub: "e2e-peer", role: "viewer", name: "E2E Peer" });
  peer.onAny((event, payload) => peerEvents.push({ event, payload }));
  // A public room with more than one page of history, made by the peer before the app looks.
  room = (await ack(peer, "room:create", { name: "E2E Ops", isPublic: true })).room;
  await ack(peer, "room:join", room.id);
  for (let i = 1; i <= SEEDED; i++) await ack(peer, "message:send", { roomId: room.id, text: `seed ${i}` });
});

after(async () => {
  peer?.close();
  admin?.close();
  await app?.stop();
});

test("chat: room history on scroll, live room and direct messages, typing and read receipts", async () => {
  const { browser } = app;
  await go(browser, "chat");
  const item = await browser.$(`${testid("chat-room-item")}[data-room-id="${room.id}"]`);
  await item.waitForExist({ timeout: 15_000 }); // announced live with room:created
  assert.equal(await item.getAttribute("data-member"), "false");
  await item.click();
  await (await browser.$(testid("chat-join"))).click();
  await until("joined", async () => (await item.getAttribute("data-member")) === "true", 15_000);

  // The newest page first, ending with the newest message; scrolling up loads the rest while
  // the messages on screen stay where they were.
  const pane = await browser.$(testid("chat-messages"));
  await until("the first page", async () => Number(await pane.getAttribute("data-count")) >= 30, 20_000);
  const firstPage = await messageTexts(browser);
  assert.equal(firstPage.at(-1), `seed ${SEEDED}`);
  assert.ok(!firstPage.includes("seed 1"), "the first page is not everything");
  const topBefore = firstPage[0];
  await browser.execute(() => { document.querySelector('[data-testid="chat-messages"]').scrollTop = 0; });
  await until("older history", async () => (await messageTexts(browser)).includes("seed 1"), 20_000);
  const all = await messageTexts(browser);
  assert.deepEqual(all, Array.from({ length: SEEDED }, (_, i) => `seed ${i + 1}`), "each message once, in order");
  const kept = await browser.execute((text) => {
    const p = document.querySelector('[data-testid="chat-messages"]');
    const el = [...p.querySelectorAll('[data-testid="chat-message"]')].find((e) => e.querySelector(".text").textContent === text);
    const top = el.getBoundingClientRect().top - p.getBoundingClientRect().top;
    return { scrollTop: p.scrollTop, top, height: p.clientHeight };
  }, topBefore);
  assert.ok(kept.scrollTop > 100, `the scroll position was kept (scrollTop ${kept.scrollTop})`);
  assert.ok(kept.top > -40 && kept.top < kept.height, `the previous top message is still on screen (${kept.top})`);

  // A live room message from the peer.
  await ack(peer, "message:send", { roomId: room.id, text: "live from the peer" });
  await until("the live room message", async () => (await messageTexts(browser)).at(-1) === "live from the peer", 15_000);

  // A direct message from the peer: a new conversation with an unread count.
  const dmAck = await ack(peer, "dm:send", { recipientId: APP_USER, text: "hello app" });
  const dmItem = await browser.$(`${testid("chat-dm-item")}[data-peer-id="e2e-peer"]`);
  await dmItem.waitForExist({ timeout: 15_000 });
  await until("the unread badge", async () =>
    (await (await dmItem.$(testid("chat-unread"))).getAttribute("data-count")) === "1", 15_000);
  assert.equal(await (await browser.$(testid("chat-unread-badge"))).getAttribute("data-count"), "1");
  await dmItem.click();
  await until("the direct message, once", async () => {
    const t = await messageTexts(browser);
    return t.length === 1 && t[0] === "hello app";
  }, 15_000);
  assert.equal(await (await dmItem.$(testid("chat-unread"))).getAttribute("data-count"), "0");

  // The app read it: the peer gets the read receipt.
  const receipt = await peerGot("message:read", (r) => r.messageId === dmAck.messageId);
  assert.equal(receipt.readBy, APP_USER);

  // The peer types: the app shows it; the peer stops: it goes away.
  peer.emit("typing", { receiverId: APP_USER, isTyping: true });
  await until("the typing notice", async () => (await typingText(browser)).includes("E2E is typing"), 10_000);
  peer.emit("typing", { receiverId: APP_USER, isTyping: false });
  await until("the typing notice to end", async () => (await typingText(browser)) === "", 10_000);

  // The app replies from the composer: typing notice, then Enter sends (Shift+Enter is a newline).
  const composer = await browser.$(testid("chat-composer"));
  await composer.click();
  await composer.addValue("line one");
  await peerGot("userTyping", (t) => t.userId === APP_USER && t.isTyping === true, 10_000);
  await browser.keys(["Shift", "Enter"]);
  await browser.keys("Shift"); // release
  await composer.addValue("line two");
  await browser.keys("Enter");
  const reply = await peerGot("dm:received", (m) => m.sender.id === APP_USER);
  assert.equal(reply.text, "line one\nline two");
  assert.equal(reply.recipientId, "e2e-peer");
  await peerGot("userTyping", (t) => t.userId === APP_USER && t.isTyping === false, 10_000);
  await until("the composer to be cleared", async () => (await composer.getValue()) === "", 10_000);

  // The peer reads the reply: the app shows it as read.
  const mark = await browser.$(`${testid("chat-message")}[data-message-id="${reply.id}"] ${testid("chat-read-mark")}`);
  await mark.waitForExist({ timeout: 10_000 });
  assert.equal(await mark.getAttribute("data-read"), "false");
  await ack(peer, "message:read", { messageId: reply.id });
  await until("the read mark", async () => (await mark.getAttribute("data-read")) === "true", 10_000);
  assert.match(await mark.getAttribute("title"), /Read by E2E Peer/);

  // A room message from the app reaches the peer.
  await (await browser.$(`${testid("chat-room-item")}[data-room-id="${room.id}"]`)).click();
  const roomComposer = await browser.$(testid("chat-composer"));
  await roomComposer.click();
  await roomComposer.addValue("hello room");
  await browser.keys("Enter");
  const roomReply = await peerGot("message:received", (m) => m.sender.id === APP_USER);
  assert.equal(roomReply.text, "hello room");
  assert.equal(roomReply.roomId, room.id);
  // Typing notices in a room, too.
  peer.emit("typing:start", { roomId: room.id });
  await until("the room typing notice", async () => (await typingText(browser)).includes("E2E is typing"), 10_000);
  screenshot("chat.png");
  peer.emit("typing:stop", { roomId: room.id });
  await until("the room typing notice to end", async () => (await typingText(browser)) === "", 10_000);
});

test("chat: a direct message sent while the app was offline appears after it reconnects", async () => {
  const { browser, port } = app;
  await go(browser, "chat");
  await (await browser.$(`${testid("chat-dm-item")}[data-peer-id="e2e-peer"]`)).click();
  await until("the conversation", async () => (await (await browser.$(testid("chat-title"))).getText()) === "E2E Peer", 10_000);
  admin = await connect(port, { sub: "e2e-admin", role: "admin", name: "E2E Admin" }, "/admin");
  const { sockets } = await ack(admin, "sockets:list", {});
  const mine = sockets.filter((s) => s.userId === APP_USER);
  assert.ok(mine.length >= 1, "the app's socket is listed");
  // Kick the app and send at once: the message is stored while the app has no socket.
  await Promise.all(mine.map((s) => ack(admin, "socket:disconnect", { socketId: s.socketId })));
  const sent = await ack(peer, "dm:send", { recipientId: APP_USER, text: "sent while you were away" });
  await until("the app to reconnect", async () =>
    (await (await browser.$(testid("status-state"))).getAttribute("data-state")) === "connected", 30_000);
  await until("the missed message", async () =>
    (await browser.$$(`${testid("chat-message")}[data-message-id="${sent.messageId}"]`)).length === 1, 30_000);
});

test("people: search finds the peer, Message opens its conversation", async () => {
  const { browser } = app;
  await go(browser, "people");
  await until("everyone", async () => (await browser.$$(testid("person-row"))).length >= 2, 20_000);
  await (await browser.$(testid("people-sort-connections"))).click();
  const header = await (await browser.$(testid("people-sort-connections"))).parentElement();
  assert.equal(await header.getAttribute("aria-sort"), "descending");
  await sleep(300);
  screenshot("people.png");
  const search = await browser.$(testid("people-search"));
  await search.setValue("e2e-peer");
  await until("only the peer", async () => {
    const rows = await browser.$$(testid("person-row"));
    return rows.length === 1 && (await rows[0].getAttribute("data-user-id")) === "e2e-peer";
  }, 20_000);
  const since = await (await browser.$(testid("person-since"))).getText();
  assert.match(since, /\d\d:\d\d/, "online since is shown");
  await search.setValue("nobody-like-this");
  await (await browser.$(testid("people-no-match"))).waitForExist({ timeout: 5_000 });
  await search.setValue("viewer");
  await until("search by role", async () => (await browser.$$(testid("person-row"))).length >= 1, 5_000);
  await search.setValue("E2E Peer");
  await (await browser.$(`${testid("person-row")}[data-user-id="e2e-peer"] ${testid("person-message")}`)).click();
  await (await browser.$(testid("view-chat"))).waitForExist({ timeout: 15_000 });
  await until("the conversation with the peer", async () =>
    (await (await browser.$(testid("chat-title"))).getText()) === "E2E Peer", 10_000);
  const active = await browser.$(`${testid("chat-dm-item")}[data-peer-id="e2e-peer"]`);
  assert.equal(await active.getAttribute("aria-current"), "true");
  await until("its messages", async () => (await messageTexts(browser)).includes("hello app"), 10_000);
});

test("remote mode: chat with a peer of a separately started opsdeck-server", async () => {
  const { browser } = app;
  const server = await startServer();
  let remotePeer;
  try {
    await useRemoteProfile(browser, server, "Chat HQ");
    await until("connected to the remote server", async () =>
      (await (await browser.$(testid("status-state"))).getAttribute("data-state")) === "connected", 30_000);
    remotePeer = await connect(0, { sub: "remote-peer", role: "viewer", name: "Remote Peer" }, "", { url: server.url, secret: server.secret });
    const got = [];
    remotePeer.on("dm:received", (m) => got.push(m));
    await ack(remotePeer, "dm:send", { recipientId: "remote-op", text: "hello from afar" });
    await go(browser, "chat");
    const item = await browser.$(`${testid("chat-dm-item")}[data-peer-id="remote-peer"]`);
    await item.waitForExist({ timeout: 20_000 });
    assert.equal(await browser.$$(`${testid("chat-dm-item")}[data-peer-id="e2e-peer"]`).length, 0, "nothing of the embedded server lingers");
    await item.click();
    await until("the remote message", async () => (await messageTexts(browser)).includes("hello from afar"), 15_000);
    const composer = await browser.$(testid("chat-composer"));
    await composer.click();
    await composer.addValue("hello back");
    await browser.keys("Enter");
    const reply = await until("the remote peer to get the reply", () => got.find((m) => m.sender.id === "remote-op"), 15_000);
    assert.equal(reply.text, "hello back");
  } finally {
    remotePeer?.close();
    await server.stop();
  }
});
