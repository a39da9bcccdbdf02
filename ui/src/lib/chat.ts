// Chat logic without Svelte or IPC: conversation keys, merging live messages and history pages
// (deduplicated by id, oldest first), unread counting, typing notices and the debounce of our
// own typing notices.
import type { ChatMessage } from "../bindings";

/** A conversation: a room (`room:{id}`) or the direct messages with one person (`dm:{id}`). */
export type ConvKey = `room:${string}` | `dm:${string}`;

export const roomKey = (roomId: string): ConvKey => `room:${roomId}`;
export const dmKey = (peerId: string): ConvKey => `dm:${peerId}`;

/** `{kind, id}` of a key. */
export function parseKey(key: ConvKey): { kind: "room" | "dm"; id: string } {
  const i = key.indexOf(":");
  return { kind: key.slice(0, i) as "room" | "dm", id: key.slice(i + 1) };
}

/** The conversation a message belongs to, seen by user `me`. */
export function keyOf(m: ChatMessage, me: string | null): ConvKey {
  if (m.roomId) return roomKey(m.roomId);
  const peer = m.sender.id === me ? (m.recipientId ?? m.sender.id) : m.sender.id;
  return dmKey(peer);
}

/**
 * `existing` plus `incoming`, each id once (the first copy wins), oldest first. Ties in time
 * keep their order: history pages come in before what is already shown, live messages after.
 */
export function mergeMessages(existing: readonly ChatMessage[], incoming: readonly ChatMessage[], older = false): ChatMessage[] {
  const seen = new Set(existing.map((m) => m.id));
  const fresh: ChatMessage[] = [];
  for (const m of incoming) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    fresh.push(m);
  }
  if (fresh.length === 0) return existing as ChatMessage[];
  const all = older ? [...fresh, ...existing] : [...existing, ...fresh];
  const t = (m: ChatMessage) => Date.parse(m.createdAt);
  return all.sort((a, b) => t(a) - t(b));
}

/** A history page (newest first, as `message:history` answers) merged before what is shown. */
export function prependPage(existing: readonly ChatMessage[], pageNewestFirst: readonly ChatMessage[]): ChatMessage[] {
  return mergeMessages(existing, [...pageNewestFirst].reverse(), true);
}

/**
 * Unread counts after `m` arrived: messages from others count unless their conversation is
 * the one on screen.
 */
export function countUnread(
  unread: Readonly<Record<string, number>>,
  m: ChatMessage,
  me: string | null,
  onScreen: ConvKey | null,
): Record<string, number> {
  if (m.sender.id === me) return unread as Record<string, number>;
  const key = keyOf(m, me);
  if (key === onScreen) return unread as Record<string, number>;
  return { ...unread, [key]: (unread[key] ?? 0) + 1 };
}

/** Sum of unread counts. */
export function totalUnread(unread: Readonly<Record<string, number>>): number {
  return Object.values(unread).reduce((n, c) => n + c, 0);
}

/** Who is typing where: conversation → user id → {name, until (ms)}. */
export type TypingState = Record<string, Record<string, { name: string; until: number }>>;

/** How long a typing notice lasts without a stop (a lost stop must not stick forever). */
export const TYPING_TTL_MS = 8000;

/** Applies one typing notice received at `now`. */
export function applyTyping(state: TypingState, key: ConvKey, userId: string, name: string, isTyping: boolean, now: number): TypingState {
  const conv = { ...(state[key] ?? {}) };
  if (isTyping) conv[userId] = { name, until: now + TYPING_TTL_MS };
  else delete conv[userId];
  return { ...state, [key]: conv };
}

/** Names typing in `key` at `now`, sorted. */
export function typingNames(state: TypingState, key: ConvKey | null, now: number): string[] {
  if (!key) return [];
  return Object.values(state[key] ?? {})
    .filter((t) => t.until > now)
    .map((t) => t.name)
    .sort();
}

/** "Bob is typing…", "Ann and Bob are typing…", "3 people are typing…", or "". */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** Timers, injectable for tests. */
export type Timers = {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
};
const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Our own typing notices: `start` once when typing begins, `stop` after `idleMs` without a
 * keystroke, or at once on `stop()` (message sent, conversation left). Keystrokes in between
 * send nothing.
 */
export class TypingDebouncer {
  private typing = false;
  private timer: unknown = null;

  constructor(
    private send: (typing: boolean) => void,
    private idleMs = 3000,
    private timers: Timers = realTimers,
  ) {}

  /** A keystroke. */
  input(): void {
    if (!this.typing) {
      this.typing = true;
      this.send(true);
    }
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.stop(), this.idleMs);
  }

  /** Typing ended (sent, cleared, or left). */
  stop(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    if (this.typing) {
      this.typing = false;
      this.send(false);
    }
  }

  get active(): boolean {
    return this.typing;
  }
}

/** Composer keys: Enter sends, Shift+Enter (or IME composition) inserts a newline. */
export function isSendKey(e: { key: string; shiftKey: boolean; isComposing?: boolean }): boolean {
  return e.key === "Enter" && !e.shiftKey && !e.isComposing;
}

/** Text worth sending: trimmed, non-empty, at most 4000 characters (PROTOCOL §7). */
export function sendableText(text: string): string | null {
  const t = text.trim();
  if (t.length === 0 || [...t].length > 4000) return null;
  return t;
}
