import { describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "../bindings";
import {
  applyTyping,
  countUnread,
  dmKey,
  isSendKey,
  keyOf,
  mergeMessages,
  parseKey,
  prependPage,
  roomKey,
  sendableText,
  totalUnread,
  TYPING_TTL_MS,
  TypingDebouncer,
  typingNames,
  typingText,
} from "./chat";

const user = (id: string) => ({ id, name: `${id} Test`, role: "viewer" as const, firstName: id, lastName: "Test" });
const msg = (id: string, at: number, from = "bob", to: { roomId?: string; recipientId?: string } = { recipientId: "ada" }): ChatMessage => ({
  id,
  sender: user(from),
  text: `text ${id}`,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
  ...to,
});

describe("conversation keys", () => {
  it("puts a direct message under the other person, whoever sent it", () => {
    expect(keyOf(msg("1", 0, "bob", { recipientId: "ada" }), "ada")).toBe("dm:bob");
    expect(keyOf(msg("2", 0, "ada", { recipientId: "bob" }), "ada")).toBe("dm:bob");
    expect(keyOf(msg("3", 0, "bob", { roomId: "ops" }), "ada")).toBe("room:ops");
    expect(parseKey(roomKey("a:b"))).toEqual({ kind: "room", id: "a:b" });
    expect(parseKey(dmKey("bob"))).toEqual({ kind: "dm", id: "bob" });
  });
});

describe("merging messages", () => {
  it("keeps one copy per id, oldest first", () => {
    const a = [msg("1", 1), msg("2", 2)];
    const merged = mergeMessages(a, [msg("2", 2), msg("3", 3), msg("3", 3)]);
    expect(merged.map((m) => m.id)).toEqual(["1", "2", "3"]);
    expect(mergeMessages(merged, [msg("1", 1)])).toBe(merged);
  });

  it("prepends a newest-first history page before what is shown", () => {
    const shown = [msg("5", 5), msg("6", 6)];
    const page = [msg("5", 5), msg("4", 4), msg("3", 3)];
    expect(prependPage(shown, page).map((m) => m.id)).toEqual(["3", "4", "5", "6"]);
  });

  it("orders a late live message by time and keeps same-time messages in arrival order", () => {
    const shown = [msg("a", 1), msg("c", 3)];
    expect(mergeMessages(shown, [msg("b", 2)]).map((m) => m.id)).toEqual(["a", "b", "c"]);
    const tie = [msg("z", 5), msg("y", 5)];
    expect(mergeMessages(tie, [msg("x", 5)]).map((m) => m.id)).toEqual(["z", "y", "x"]);
    expect(prependPage([msg("z", 5)], [msg("y", 5)]).map((m) => m.id)).toEqual(["y", "z"]);
  });
});

describe("unread counts", () => {
  it("counts others' messages outside the conversation on screen", () => {
    let u: Record<string, number> = {};
    u = countUnread(u, msg("1", 1, "bob"), "ada", null);
    u = countUnread(u, msg("2", 2, "bob"), "ada", null);
    u = countUnread(u, msg("3", 3, "cy", { roomId: "ops" }), "ada", "dm:bob");
    u = countUnread(u, msg("4", 4, "bob"), "ada", "dm:bob");
    u = countUnread(u, msg("5", 5, "ada", { roomId: "ops" }), "ada", null);
    expect(u).toEqual({ "dm:bob": 2, "room:ops": 1 });
    expect(totalUnread(u)).toBe(3);
  });
});

describe("typing notices", () => {
  it("shows who types until they stop or the notice expires", () => {
    let s = applyTyping({}, "room:ops", "bob", "Bob", true, 1000);
    s = applyTyping(s, "room:ops", "ann", "Ann", true, 1000);
    expect(typingNames(s, "room:ops", 2000)).toEqual(["Ann", "Bob"]);
    expect(typingText(typingNames(s, "room:ops", 2000))).toBe("Ann and Bob are typing…");
    s = applyTyping(s, "room:ops", "bob", "Bob", false, 3000);
    expect(typingText(typingNames(s, "room:ops", 3000))).toBe("Ann is typing…");
    expect(typingNames(s, "room:ops", 1000 + TYPING_TTL_MS + 1)).toEqual([]);
    expect(typingNames(s, "dm:bob", 3000)).toEqual([]);
    expect(typingText(["a", "b", "c"])).toBe("3 people are typing…");
  });

  it("debounces our own: one start, one stop after a pause, none in between", () => {
    vi.useFakeTimers();
    try {
      const sent: boolean[] = [];
      const d = new TypingDebouncer((t) => sent.push(t), 3000);
      d.input();
      vi.advanceTimersByTime(1000);
      d.input();
      vi.advanceTimersByTime(2500);
      d.input();
      expect(sent).toEqual([true]);
      vi.advanceTimersByTime(3000);
      expect(sent).toEqual([true, false]);
      expect(d.active).toBe(false);
      d.input();
      d.stop();
      d.stop();
      expect(sent).toEqual([true, false, true, false]);
      vi.advanceTimersByTime(10000);
      expect(sent).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("composer", () => {
  it("sends on Enter, not on Shift+Enter or while composing", () => {
    expect(isSendKey({ key: "Enter", shiftKey: false })).toBe(true);
    expect(isSendKey({ key: "Enter", shiftKey: true })).toBe(false);
    expect(isSendKey({ key: "Enter", shiftKey: false, isComposing: true })).toBe(false);
    expect(isSendKey({ key: "a", shiftKey: false })).toBe(false);
  });

  it("trims and bounds the text", () => {
    expect(sendableText("  hi \n")).toBe("hi");
    expect(sendableText(" \n ")).toBeNull();
    expect(sendableText("x".repeat(4001))).toBeNull();
    expect(sendableText("x".repeat(4000))).toHaveLength(4000);
  });
});
