// Chat domain: rooms, direct-message conversations, one thread of messages per conversation
// (live events merged with history pages), unread counts, typing notices and read receipts.
// Pure logic lives in lib/chat.ts; this store only keeps state and calls the api.
import type { ChatMessage, ChatRoom, ListedRoom } from "../bindings";
import type { ChatTyping } from "../bindings/app";
import type { ChatApi } from "../api/chat";
import { errorMessage, type Unlisten } from "../api/transport";
import type { Load } from "./connection.svelte";
import {
  applyTyping,
  countUnread,
  dmKey,
  keyOf,
  mergeMessages,
  parseKey,
  prependPage,
  roomKey,
  totalUnread,
  TypingDebouncer,
  type ConvKey,
  type TypingState,
} from "../lib/chat";

/** Messages per history page. */
export const PAGE = 30;

export type Thread = {
  messages: ChatMessage[];
  /** Cursor for the next older page; null once the start is reached. */
  cursor: string | null;
  loaded: boolean;
  loading: boolean;
  error: string | null;
};

export type Person = { id: string; name: string; lastAt: string | null };

const EMPTY_THREAD: Thread = { messages: [], cursor: null, loaded: false, loading: false, error: null };

export class ChatStore {
  rooms = $state.raw<ListedRoom[]>([]);
  people = $state.raw<Person[]>([]);
  threads = $state.raw<Record<string, Thread>>({});
  unread = $state.raw<Record<string, number>>({});
  typing = $state.raw<TypingState>({});
  readBy = $state.raw<Record<string, string[]>>({});
  active = $state<ConvKey | null>(null);
  /** Whether the Chat screen is on screen (messages arriving elsewhere count as unread). */
  visible = $state(false);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  /** The last failed action (send, join, create...), shown near the composer. */
  actionError = $state<string | null>(null);
  me: string | null = null;
  totalUnread = $derived(totalUnread(this.unread));

  private marked = new Set<string>();
  private debouncers = new Map<ConvKey, TypingDebouncer>();
  private unlisten: Unlisten[] = [];
  private stopped = false;

  constructor(
    private api: ChatApi,
    private now: () => number = Date.now,
  ) {}

  private async keep(p: Promise<Unlisten>): Promise<void> {
    const u = await p;
    if (this.stopped) u();
    else this.unlisten.push(u);
  }

  async start(): Promise<void> {
    this.load = "loading";
    await this.keep(this.api.onMessage((m) => this.receive(m)));
    await this.keep(this.api.onTyping((t) => this.onTyping(t)));
    await this.keep(this.api.onRead((r) => this.onRead(r.messageId, r.readBy)));
    await this.keep(this.api.onRoom((r) => this.onRoom(r)));
    await this.refresh();
  }

  /**
   * (Re)loads rooms and conversations, and joins the rooms we are a member of. Either list may
   * fail alone (a chat server without the Opsdeck directory requests): the other still shows,
   * with the error as a banner; only both failing is the error state.
   */
  async refresh(): Promise<void> {
    const [rooms, convs] = await Promise.allSettled([this.api.rooms(), this.api.conversations()]);
    if (rooms.status === "fulfilled") {
      this.rooms = rooms.value;
      await Promise.all(rooms.value.filter((r) => r.member).map((r) => this.api.join(r.id).catch(() => undefined)));
    }
    if (convs.status === "fulfilled") {
      const known = new Map(this.people.map((p) => [p.id, p]));
      for (const c of convs.value) known.set(c.peerId, { id: c.peerId, name: c.peerName, lastAt: c.lastMessageAt });
      this.setPeople([...known.values()]);
    }
    const failed = [rooms, convs].find((r) => r.status === "rejected");
    this.error = failed ? errorMessage(failed.reason) : null;
    if (rooms.status === "rejected" && convs.status === "rejected") {
      if (this.load !== "ready") this.load = "error";
      return;
    }
    this.load = "ready";
    if (this.active && this.threads[this.active]?.loaded) void this.loadNewest(this.active);
  }

  stop(): void {
    this.stopped = true;
    for (const d of this.debouncers.values()) d.stop();
    for (const u of this.unlisten.splice(0)) u();
  }

  thread(key: ConvKey | null): Thread {
    return (key && this.threads[key]) || EMPTY_THREAD;
  }

  private setThread(key: ConvKey, patch: Partial<Thread>): void {
    this.threads = { ...this.threads, [key]: { ...this.thread(key), ...patch } };
  }

  private setPeople(people: Person[]): void {
    this.people = people.sort((a, b) => (b.lastAt ?? "").localeCompare(a.lastAt ?? "") || a.name.localeCompare(b.name));
  }

  private notePerson(id: string, name: string | null, at: string | null): void {
    const old = this.people.find((p) => p.id === id);
    const person = { id, name: name ?? old?.name ?? id, lastAt: at ?? old?.lastAt ?? null };
    if (old && old.name === person.name && old.lastAt === person.lastAt) return;
    this.setPeople([...this.people.filter((p) => p.id !== id), person]);
  }

  /** A live (or caught-up) message. */
  receive(m: ChatMessage): void {
    const key = keyOf(m, this.me);
    const t = this.thread(key);
    if (t.messages.some((x) => x.id === m.id)) return;
    this.setThread(key, { messages: mergeMessages(t.messages, [m]) });
    if (!m.roomId) {
      const { id } = parseKey(key);
      this.notePerson(id, m.sender.id === this.me ? null : m.sender.name, m.createdAt);
    }
    this.unread = countUnread(this.unread, m, this.me, this.visible ? this.active : null);
    // whoever sent it stopped typing
    this.typing = applyTyping(this.typing, key, m.sender.id, m.sender.firstName, false, this.now());
  }

  private onTyping(t: ChatTyping): void {
    if (t.userId === this.me) return;
    const key = t.roomId ? roomKey(t.roomId) : dmKey(t.peerId ?? t.userId);
    const name = t.roomId ? t.name : (this.people.find((p) => p.id === t.userId)?.name.split(/\s+/)[0] ?? t.name);
    this.typing = applyTyping(this.typing, key, t.userId, name, t.isTyping, this.now());
  }

  private onRead(messageId: string, reader: string): void {
    const now = this.readBy[messageId] ?? [];
    if (now.includes(reader)) return;
    this.readBy = { ...this.readBy, [messageId]: [...now, reader] };
  }

  private onRoom(r: ChatRoom): void {
    if (this.rooms.some((x) => x.id === r.id)) return;
    const mine = r.createdBy.id === this.me;
    if (!r.isPublic && !mine) return;
    this.rooms = [...this.rooms, { ...r, member: mine }].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Shows conversation `key` and loads its newest page the first time. */
  async open(key: ConvKey): Promise<void> {
    this.stopTyping();
    this.active = key;
    this.clearUnread(key);
    const t = this.thread(key);
    if (!t.loaded && !t.loading) await this.loadNewest(key);
  }

  clearUnread(key: ConvKey): void {
    if (!this.unread[key]) return;
    const { [key]: _, ...rest } = this.unread;
    this.unread = rest;
  }

  /** Opens the conversation with `peerId` (from People), creating its entry. */
  async openDm(peerId: string, name: string): Promise<void> {
    this.notePerson(peerId, name, null);
    await this.open(dmKey(peerId));
  }

  private request(key: ConvKey, before: string | null) {
    const { kind, id } = parseKey(key);
    return this.api.history({
      ...(kind === "room" ? { roomId: id } : { peerId: id }),
      ...(before ? { before } : {}),
      limit: PAGE,
    });
  }

  private async loadNewest(key: ConvKey): Promise<void> {
    this.setThread(key, { loading: true, error: null });
    try {
      const page = await this.request(key, null);
      const t = this.thread(key);
      this.setThread(key, {
        messages: prependPage(t.messages, page.messages),
        cursor: t.loaded ? t.cursor : page.nextCursor,
        loaded: true,
        loading: false,
      });
    } catch (e) {
      this.setThread(key, { loading: false, error: errorMessage(e) });
    }
  }

  /** Loads the page before the oldest shown; false when there is nothing more. */
  async loadOlder(key: ConvKey): Promise<boolean> {
    const t = this.thread(key);
    if (!t.loaded || t.loading || !t.cursor) return false;
    this.setThread(key, { loading: true, error: null });
    try {
      const page = await this.request(key, t.cursor);
      this.setThread(key, {
        messages: prependPage(this.thread(key).messages, page.messages),
        cursor: page.nextCursor,
        loading: false,
      });
      return true;
    } catch (e) {
      this.setThread(key, { loading: false, error: errorMessage(e) });
      return false;
    }
  }

  /** Sends `text` to the active conversation. */
  async send(text: string): Promise<boolean> {
    const key = this.active;
    if (!key) return false;
    this.stopTyping();
    const { kind, id } = parseKey(key);
    try {
      if (kind === "room") await this.api.send(id, text);
      else await this.api.sendDm(id, text);
      this.actionError = null;
      return true;
    } catch (e) {
      this.actionError = errorMessage(e);
      return false;
    }
  }

  private debouncer(key: ConvKey): TypingDebouncer {
    let d = this.debouncers.get(key);
    if (!d) {
      const { kind, id } = parseKey(key);
      const target = kind === "room" ? { roomId: id } : { peerId: id };
      d = new TypingDebouncer((typing) => void this.api.typing(target, typing).catch(() => undefined));
      this.debouncers.set(key, d);
    }
    return d;
  }

  /** A keystroke in the composer. */
  typed(): void {
    if (this.active) this.debouncer(this.active).input();
  }

  stopTyping(): void {
    if (this.active) this.debouncers.get(this.active)?.stop();
  }

  /** Sends read receipts for the messages of others in `key` that are on screen. */
  markRead(key: ConvKey, ids: readonly string[]): void {
    const t = this.thread(key);
    for (const id of ids) {
      if (this.marked.has(id)) continue;
      const m = t.messages.find((x) => x.id === id);
      if (!m || m.sender.id === this.me) continue;
      this.marked.add(id);
      void this.api.markRead(id).catch(() => this.marked.delete(id));
    }
  }

  /** Creates a room and opens it. */
  async createRoom(name: string, isPublic: boolean, description: string | null = null): Promise<boolean> {
    try {
      const room = await this.api.createRoom({ name, isPublic, ...(description ? { description } : {}) });
      this.rooms = [...this.rooms.filter((r) => r.id !== room.id), { ...room, member: true }].sort((a, b) => a.name.localeCompare(b.name));
      await this.api.join(room.id);
      this.actionError = null;
      await this.open(roomKey(room.id));
      return true;
    } catch (e) {
      this.actionError = errorMessage(e);
      return false;
    }
  }

  async join(roomId: string): Promise<void> {
    try {
      await this.api.join(roomId);
      this.rooms = this.rooms.map((r) => (r.id === roomId ? { ...r, member: true } : r));
      this.actionError = null;
      await this.open(roomKey(roomId));
    } catch (e) {
      this.actionError = errorMessage(e);
    }
  }

  async leave(roomId: string): Promise<void> {
    try {
      if (this.active === roomKey(roomId)) this.stopTyping();
      await this.api.leave(roomId);
      this.rooms = this.rooms.map((r) => (r.id === roomId ? { ...r, member: false } : r));
      this.clearUnread(roomKey(roomId));
      this.actionError = null;
    } catch (e) {
      this.actionError = errorMessage(e);
    }
  }
}
