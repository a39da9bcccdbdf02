import { describe, expect, it } from "vitest";
import type { Notification } from "../bindings";
import { badgeText, countUnread, markReadLocally, mergeNotifications } from "./inbox";

export function note(id: string, minute: number, read = false): Notification {
  return {
    id,
    title: `t${id}`,
    message: "m",
    type: "info",
    createdAt: `2025-01-01T12:${String(minute).padStart(2, "0")}:00Z`,
    read,
    target: { kind: "all" },
  };
}

describe("inbox merge", () => {
  it("orders newest first and drops duplicates by id", () => {
    const merged = mergeNotifications([note("a", 1), note("b", 3)], [note("c", 2), note("b", 3)]);
    expect(merged.map((n) => n.id)).toEqual(["b", "c", "a"]);
  });

  it("keeps an entry read once either copy is read", () => {
    const merged = mergeNotifications([note("a", 1, true)], [note("a", 1, false)]);
    expect(merged[0].read).toBe(true);
    expect(mergeNotifications([note("a", 1)], [note("a", 1, true)])[0].read).toBe(true);
  });

  it("breaks createdAt ties by id, and returns the same array when nothing comes in", () => {
    const xs = [note("a", 1)];
    expect(mergeNotifications(xs, [])).toBe(xs);
    expect(mergeNotifications([note("a", 1)], [note("b", 1)]).map((n) => n.id)).toEqual(["b", "a"]);
  });

  it("marks one or all read locally", () => {
    const xs = [note("a", 1), note("b", 2)];
    expect(countUnread(markReadLocally(xs, "a"))).toBe(1);
    expect(countUnread(markReadLocally(xs, null))).toBe(0);
    const allRead = markReadLocally(xs, null);
    expect(markReadLocally(allRead, null)).toBe(allRead);
  });

  it("formats the unread badge", () => {
    expect(badgeText(0)).toBe("");
    expect(badgeText(-1)).toBe("");
    expect(badgeText(7)).toBe("7");
    expect(badgeText(99)).toBe("99");
    expect(badgeText(100)).toBe("99+");
  });
});
