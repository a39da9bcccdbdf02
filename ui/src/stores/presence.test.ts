import { describe, expect, it } from "vitest";
import { presenceApi } from "../api/presence";
import type { PresenceUser } from "../bindings";
import { FakeTransport, flush } from "../test/fakeTransport";
import { PresenceStore, filterPeople, sortPeople } from "./presence.svelte";

const u = (userId: string, name: string, role: PresenceUser["role"], connections = 1): PresenceUser => ({
  userId,
  name,
  role,
  status: "online",
  connections,
  since: "2025-01-01T00:00:00Z",
});

describe("PresenceStore", () => {
  it("loads the list and sums connections", async () => {
    const t = new FakeTransport().on("presence_list", [u("b", "Bob", "viewer", 2), u("a", "Ann", "admin", 3)]);
    const store = new PresenceStore(presenceApi(t));
    await store.start();
    expect(store.users.map((x) => x.userId)).toEqual(["a", "b"]);
    expect(store.connections).toBe(5);
  });

  it("replaces the list on every presence event, even one before the command answers", async () => {
    const t = new FakeTransport();
    let release!: (v: PresenceUser[]) => void;
    t.on("presence_list", () => new Promise((r) => (release = r)));
    const store = new PresenceStore(presenceApi(t));
    const started = store.start();
    await flush();
    t.emit("presence://list", [u("c", "Cy", "driver")]);
    release([u("old", "Old", "viewer")]);
    await started;
    expect(store.users.map((x) => x.userId)).toEqual(["c"]);
    t.emit("presence://list", []);
    expect(store.users).toEqual([]);
    expect(store.connections).toBe(0);
  });

  it("reports errors", async () => {
    const t = new FakeTransport().on("presence_list", () => {
      throw "nope";
    });
    const store = new PresenceStore(presenceApi(t));
    await store.start();
    expect(store.load).toBe("error");
    expect(store.error).toBe("nope");
  });

  it("sorts by role then name, and filters by name, id or role", () => {
    const xs = sortPeople([u("3", "Zed", "viewer"), u("1", "Amy", "viewer"), u("2", "Max", "dispatcher")]);
    expect(xs.map((x) => x.name)).toEqual(["Max", "Amy", "Zed"]);
    expect(filterPeople(xs, "am").map((x) => x.name)).toEqual(["Amy"]);
    expect(filterPeople(xs, "dispatch").map((x) => x.name)).toEqual(["Max"]);
    expect(filterPeople(xs, " ")).toBe(xs);
  });
});

describe("store lifecycle", () => {
  it("drops subscriptions that complete after stop()", async () => {
    const t = new FakeTransport().on("presence_list", []);
    const store = new PresenceStore(presenceApi(t));
    const started = store.start();
    store.stop();
    await started;
    expect(t.listenerCount("presence://list")).toBe(0);
  });
});
