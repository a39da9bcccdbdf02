import { describe, expect, it } from "vitest";
import type { PresenceUser } from "../bindings";
import { filterPeople } from "../stores/presence.svelte";
import { nextSort, onlineSince, sortPeopleBy } from "./people";

const u = (userId: string, name: string, role: PresenceUser["role"], connections: number, since: string): PresenceUser => ({
  userId,
  name,
  role,
  status: "online",
  connections,
  since,
});

const people = [
  u("d1", "Dana", "dispatcher", 1, "2026-01-01T10:00:00Z"),
  u("a1", "Ann", "viewer", 3, "2026-01-01T08:00:00Z"),
  u("z9", "Zed", "admin", 2, "2026-01-01T09:00:00Z"),
  u("b2", "Bob", "viewer", 3, "2026-01-01T07:00:00Z"),
];
const ids = (list: PresenceUser[]) => list.map((p) => p.userId);

describe("sorting people", () => {
  it("by name, role, online since and connections, both ways", () => {
    expect(ids(sortPeopleBy(people, "name"))).toEqual(["a1", "b2", "d1", "z9"]);
    expect(ids(sortPeopleBy(people, "name", "desc"))).toEqual(["z9", "d1", "b2", "a1"]);
    expect(ids(sortPeopleBy(people, "role"))).toEqual(["z9", "d1", "a1", "b2"]);
    expect(ids(sortPeopleBy(people, "since"))).toEqual(["b2", "a1", "z9", "d1"]);
    expect(ids(sortPeopleBy(people, "since", "desc"))).toEqual(["d1", "z9", "a1", "b2"]);
    // ties by name, whatever the direction
    expect(ids(sortPeopleBy(people, "connections", "desc"))).toEqual(["a1", "b2", "z9", "d1"]);
    expect(ids(sortPeopleBy(people, "connections"))).toEqual(["d1", "z9", "a1", "b2"]);
  });

  it("a second click flips, another column starts at its natural order", () => {
    expect(nextSort({ key: "name", dir: "asc" }, "name")).toEqual({ key: "name", dir: "desc" });
    expect(nextSort({ key: "name", dir: "desc" }, "connections")).toEqual({ key: "connections", dir: "desc" });
    expect(nextSort({ key: "connections", dir: "desc" }, "since")).toEqual({ key: "since", dir: "asc" });
  });
});

describe("searching people", () => {
  it("matches name, id or role, case-insensitively", () => {
    expect(ids(filterPeople(people, "ann"))).toEqual(["a1"]);
    expect(ids(filterPeople(people, "Z9"))).toEqual(["z9"]);
    expect(ids(filterPeople(people, "dispatch"))).toEqual(["d1"]);
    expect(filterPeople(people, "nobody")).toEqual([]);
  });
});

describe("online since", () => {
  it("shows the time today and the date before", () => {
    const since = new Date(2026, 0, 5, 9, 7).toISOString();
    expect(onlineSince(new Date(2026, 0, 5, 18, 0).getTime(), since)).toBe("09:07");
    expect(onlineSince(new Date(2026, 0, 6, 8, 0).getTime(), since)).toBe("5 Jan 09:07");
    expect(onlineSince(0, "garbage")).toBe("–");
  });
});
