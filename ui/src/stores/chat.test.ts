import { describe, expect, it } from "vitest";
import { chatApi } from "../api/chat";
import type { ChatMessage, ListedRoom, MessageHistoryRequest } from "../bindings";
import { FakeTransport, flush } from "../test/fakeTransport";
import { ChatStore, PAGE } from "./chat.svelte";

const user = (id: string) => ({ id, name: `${id} Test`, role: "viewer" as const, firstName: id, lastName: "Test" });
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const dm = (id: string, s: number, from = "bob", to = "ada"): ChatMessage => ({ id, sender: user(from), recipientId: to, text: id, createdAt: at(s) });
const roomMsg = (id: string, s: number, from = "bob"): ChatMessage => ({ id, roomId: "ops", sender: user(from), text: id, createdAt: at(s) });
const room = (id: string, member: boolean, isPublic = true): ListedRoom => ({ id, name: id.toUpperCase(), description: null, isPublic, createdBy: user("ada"), member });

function setup(history: (req: MessageHistoryRequest) => { messages: ChatMessage[]; nextCursor: string | null } = () => ({ messages: [], nextCursor: null })) {
  const t = new FakeTransport()
    .on("chat_rooms", [room("ops", true), room("lobby", false)])
    .on("chat_conversations", [{ peerId: "cy", peerName: "Cy Test", lastMessageAt: at(1) }])
    .on("chat_join", null)
    .on("chat_leave", null)
    .on("chat_history", (a: Record<string, unknown> | undefined) => history(a!.request as MessageHistoryRequest))
    .on("chat_send", { messageId: "m-sent" })
    .on("chat_send_dm", { messageId: "m-sent" })
    .on("chat_mark_read", null)
    .on("chat_typing", null);
  const store = new ChatStore(chatApi(t), () => 1000);
  store.me = "ada";
  return { t, store };
}

describe("ChatStore", () => {
  it("loads rooms and conversations and joins the rooms it is a member of", async () => {
    const { t, store } = setup();
    await store.start();
    expect(store.load).toBe("ready");
    expect(store.rooms.map((r) => r.id)).toEqual(["ops", "lobby"]);
    expect(store.people).toEqual([{ id: "cy", name: "Cy Test", lastAt: at(1) }]);
    expect(t.calls.filter((c) => c.command === "chat_join").map((c) => c.args)).toEqual([{ roomId: "ops" }]);
  });

  it("shows an error state when neither list loads, a banner when one fails", async () => {
    const fail = () => {
      throw "not connected";
    };
    const t = new FakeTransport().on("chat_rooms", fail).on("chat_conversations", fail);
    const store = new ChatStore(chatApi(t));
    await store.start();
    expect(store.load).toBe("error");
    expect(store.error).toBe("not connected");
    t.on("chat_conversations", [{ peerId: "cy", peerName: "Cy", lastMessageAt: at(1) }]);
    await store.refresh();
    expect(store.load).toBe("ready");
    expect(store.error).toBe("not connected");
    expect(store.people.map((p) => p.id)).toEqual(["cy"]);
    t.on("chat_rooms", []);
    await store.refresh();
    expect(store.error).toBeNull();
  });

  it("dedupes live messages, counts unread outside the open conversation, learns new people", async () => {
    const { t, store } = setup();
    await store.start();
    t.emit("chat://message", dm("m1", 1));
    t.emit("chat://message", dm("m1", 1));
    t.emit("chat://message", roomMsg("r1", 2));
    t.emit("chat://message", dm("m2", 3, "ada", "bob"));
    expect(store.thread("dm:bob").messages.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(store.unread).toEqual({ "dm:bob": 1, "room:ops": 1 });
    expect(store.people[0]).toMatchObject({ id: "bob", name: "bob Test" });
    expect(store.totalUnread).toBe(2);
    store.visible = true;
    await store.open("dm:bob");
    expect(store.unread).toEqual({ "room:ops": 1 });
    t.emit("chat://message", dm("m3", 4));
    expect(store.unread).toEqual({ "room:ops": 1 });
  });

  it("pages history with the cursor, merging with live messages", async () => {
    const all = Array.from({ length: PAGE + 5 }, (_, i) => dm(`h${i}`, i));
    const requests: MessageHistoryRequest[] = [];
    const { t, store } = setup((req) => {
      requests.push(req);
      const end = req.before ? Number(req.before) : all.length;
      const start = Math.max(0, end - PAGE);
      return { messages: all.slice(start, end).reverse(), nextCursor: start > 0 ? String(start) : null };
    });
    await store.start();
    t.emit("chat://message", all[all.length - 1]); // arrived live before the first page
    await store.open("dm:bob");
    let th = store.thread("dm:bob");
    expect(th.messages).toHaveLength(PAGE);
    expect(th.messages.at(-1)!.id).toBe(`h${PAGE + 4}`);
    expect(th.cursor).toBe("5");
    expect(await store.loadOlder("dm:bob")).toBe(true);
    th = store.thread("dm:bob");
    expect(th.messages.map((m) => m.id)).toEqual(all.map((m) => m.id));
    expect(th.cursor).toBeNull();
    expect(await store.loadOlder("dm:bob")).toBe(false);
    expect(requests).toEqual([
      { peerId: "bob", limit: PAGE },
      { peerId: "bob", before: "5", limit: PAGE },
    ]);
  });

  it("sends to the open room or person and marks others' messages read once", async () => {
    const { t, store } = setup();
    await store.start();
    await store.open("room:ops");
    expect(await store.send("hello")).toBe(true);
    await store.open("dm:bob");
    expect(await store.send("hi bob")).toBe(true);
    expect(t.calls.filter((c) => c.command.startsWith("chat_send")).map((c) => [c.command, c.args])).toEqual([
      ["chat_send", { roomId: "ops", text: "hello" }],
      ["chat_send_dm", { peerId: "bob", text: "hi bob" }],
    ]);
    t.emit("chat://message", dm("m1", 1));
    t.emit("chat://message", dm("mine", 2, "ada", "bob"));
    store.markRead("dm:bob", ["m1", "mine"]);
    store.markRead("dm:bob", ["m1"]);
    await flush();
    expect(t.calls.filter((c) => c.command === "chat_mark_read").map((c) => c.args)).toEqual([{ messageId: "m1" }]);
  });

  it("keeps read receipts, typing notices and created rooms", async () => {
    const { t, store } = setup();
    await store.start();
    t.emit("chat://read", { messageId: "x", readBy: "bob" });
    t.emit("chat://read", { messageId: "x", readBy: "bob" });
    expect(store.readBy).toEqual({ x: ["bob"] });
    t.emit("chat://typing", { roomId: "ops", peerId: null, userId: "bob", name: "Bob", isTyping: true });
    t.emit("chat://typing", { roomId: null, peerId: "cy", userId: "cy", name: "cy", isTyping: true });
    t.emit("chat://typing", { roomId: "ops", peerId: null, userId: "ada", name: "Ada", isTyping: true });
    expect(Object.keys(store.typing["room:ops"])).toEqual(["bob"]);
    expect(store.typing["dm:cy"].cy.name).toBe("Cy");
    // a message from the typist ends their notice
    t.emit("chat://message", roomMsg("r1", 1));
    expect(store.typing["room:ops"]).toEqual({});
    t.emit("chat://room", { id: "new", name: "Alpha", description: null, isPublic: true, createdBy: user("bob") });
    t.emit("chat://room", { id: "hidden", name: "Secret", description: null, isPublic: false, createdBy: user("bob") });
    // by name; a private room of others is not ours to see
    expect(store.rooms.map((r) => [r.id, r.member])).toEqual([["new", false], ["lobby", false], ["ops", true]]);
  });

  it("creates, joins and leaves rooms, and reports failures", async () => {
    const { t, store } = setup();
    t.on("chat_create_room", { id: "r9", name: "Night", description: null, isPublic: false, createdBy: user("ada") });
    await store.start();
    expect(await store.createRoom("Night", false)).toBe(true);
    expect(store.active).toBe("room:r9");
    expect(store.rooms.find((r) => r.id === "r9")?.member).toBe(true);
    expect(t.calls.find((c) => c.command === "chat_create_room")?.args).toEqual({ request: { name: "Night", isPublic: false } });
    await store.join("lobby");
    expect(store.rooms.find((r) => r.id === "lobby")?.member).toBe(true);
    await store.leave("lobby");
    expect(store.rooms.find((r) => r.id === "lobby")?.member).toBe(false);
    t.on("chat_join", () => {
      throw "room `x` is private";
    });
    await store.join("lobby");
    expect(store.actionError).toBe("room `x` is private");
  });
});
