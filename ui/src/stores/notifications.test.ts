import { describe, expect, it } from "vitest";
import { notificationsApi } from "../api/notifications";
import type { Notification } from "../bindings";
import { FakeTransport } from "../test/fakeTransport";
import { NotificationStore } from "./notifications.svelte";

function note(id: string, minute: number, read = false): Notification {
  return { id, title: id, message: "m", type: "info", createdAt: `2025-01-01T12:${String(minute).padStart(2, "0")}:00Z`, read, target: { kind: "all" } };
}

function setup(opts: { items?: Notification[]; count?: number; next?: string | null } = {}) {
  const t = new FakeTransport()
    .on("notifications_list", (args: { request: { before?: string } }) =>
      args.request.before === "c1" ? { items: [note("old", 0, true), note("b", 2)], nextCursor: null } : { items: opts.items ?? [], nextCursor: opts.next ?? null },
    )
    .on("notifications_count", { count: opts.count ?? 0 })
    .on("notifications_sent", [])
    .on("notifications_mark_read", { count: 0 })
    .on("notifications_mark_all_read", { count: 0 });
  const store = new NotificationStore(notificationsApi(t), () => Date.parse("2025-01-01T13:00:00Z"));
  return { t, store };
}

describe("NotificationStore", () => {
  it("loads the first page, the unread count and the sent history", async () => {
    const { t, store } = setup({ items: [note("a", 1), note("b", 2, true)], count: 1, next: "c1" });
    await store.start();
    expect(store.load).toBe("ready");
    expect(store.items.map((n) => n.id)).toEqual(["b", "a"]);
    expect(store.unread).toBe(1);
    expect(store.nextCursor).toBe("c1");
    expect(t.commands()).toEqual(["notifications_list", "notifications_count", "notifications_sent"]);
    expect(t.calls[0].args).toEqual({ request: { limit: 50 } });
  });

  it("merges live notifications, deduplicated by id, and counts new unread ones", async () => {
    const { t, store } = setup({ items: [note("a", 1)], count: 1 });
    await store.start();
    t.emit("notify://new", note("c", 5));
    t.emit("notify://new", note("c", 5)); // the broadcast and its notification:new
    expect(store.items.map((n) => n.id)).toEqual(["c", "a"]);
    expect(store.unread).toBe(2);
    t.emit("notify://count", { count: 7 });
    expect(store.unread).toBe(7);
  });

  it("pages back with the cursor and merges overlaps", async () => {
    const { store } = setup({ items: [note("a", 1), note("b", 2)], next: "c1" });
    await store.start();
    await store.loadMore();
    expect(store.items.map((n) => n.id)).toEqual(["b", "a", "old"]);
    expect(store.nextCursor).toBeNull();
    await store.loadMore(); // at the end: no call
  });

  it("marks one read optimistically and takes the shell's count", async () => {
    const { t, store } = setup({ items: [note("a", 1), note("b", 2)], count: 2 });
    t.on("notifications_mark_read", { count: 1 });
    await store.start();
    const p = store.markRead("a");
    expect(store.items.find((n) => n.id === "a")!.read).toBe(true);
    expect(store.unread).toBe(1);
    await p;
    expect(t.calls.at(-1)).toEqual({ command: "notifications_mark_read", args: { id: "a" } });
    await store.markRead("a"); // already read: no call
    expect(t.commands().filter((c) => c === "notifications_mark_read").length).toBe(1);
  });

  it("rolls back a failed mark-read", async () => {
    const { t, store } = setup({ items: [note("a", 1)], count: 1 });
    t.on("notifications_mark_read", () => {
      throw "offline";
    });
    await store.start();
    await store.markRead("a");
    expect(store.items[0].read).toBe(false);
    expect(store.unread).toBe(1);
    expect(store.error).toBe("offline");
  });

  it("marks all read", async () => {
    const { store } = setup({ items: [note("a", 1), note("b", 2)], count: 2 });
    await store.start();
    await store.markAllRead();
    expect(store.items.every((n) => n.read)).toBe(true);
    expect(store.unread).toBe(0);
  });

  it("sends and records the sent notification at the top of the history", async () => {
    const { t, store } = setup();
    t.on("notifications_sent", [{ id: "n0", recipients: 1, request: { title: "x", message: "y", type: "info", target: { kind: "all" } }, sentAt: "2025-01-01T10:00:00Z" }]);
    t.on("notifications_send", { id: "n1", recipients: 12 });
    await store.start();
    const req = { title: "Hi", message: "There", type: "warning" as const, target: { kind: "roles" as const, ids: ["driver"] } };
    const r = await store.send(req);
    expect(r).toEqual({ id: "n1", recipients: 12 });
    expect(t.calls.at(-1)).toEqual({ command: "notifications_send", args: { request: req } });
    expect(store.sent.map((s) => s.id)).toEqual(["n1", "n0"]);
    expect(store.sent[0].sentAt).toBe("2025-01-01T13:00:00.000Z");
  });

  it("keeps a send error for the form", async () => {
    const { t, store } = setup();
    t.on("notifications_send", () => {
      throw "forbidden: dispatcher role required";
    });
    await store.start();
    expect(await store.send({ title: "a", message: "b", type: "info", target: { kind: "all" } })).toBeNull();
    expect(store.sendError).toMatch(/forbidden/);
    expect(store.sending).toBe(false);
  });

  it("shows an error state when listing fails, with a local unread count", async () => {
    const t = new FakeTransport()
      .on("notifications_list", () => {
        throw "not supported";
      })
      .on("notifications_count", () => {
        throw "not supported";
      })
      .on("notifications_sent", []);
    const store = new NotificationStore(notificationsApi(t));
    await store.start();
    expect(store.load).toBe("error");
    expect(store.unread).toBe(0);
  });
});
