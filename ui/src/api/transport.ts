// The one door to the Rust shell. Commands go through `invoke`, events come through `listen`
// (docs/desktop-ipc.md); the UI never opens sockets. The app always uses the Tauri transport;
// unit tests hand the api layer a fake one (src/test/fakeTransport.ts).
import { Channel, invoke as tauriInvoke } from "@tauri-apps/api/core";
import { listen as tauriListen } from "@tauri-apps/api/event";

export type Unlisten = () => void;

export interface Transport {
  /** Calls a Tauri command; rejects with the shell's error message. */
  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
  /** Subscribes to a Tauri event; resolves once the subscription is in place. */
  listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten>;
  /**
   * Opens a stream: calls `start` with a fresh Tauri channel, which the shell then feeds;
   * after each message the handler took, calls `handled` with the channel's id and the count
   * of messages handled so far (the shell's flow control); the returned Unlisten calls `stop`
   * with the channel's id. For bulk data (positions): large channel messages reach the page
   * as fetched bodies, not as evaluated scripts.
   */
  stream<T>(commands: StreamCommands, handler: (payload: T) => void): Promise<Unlisten>;
}

/** The commands of a stream (`Transport.stream`). */
export interface StreamCommands {
  start: string;
  handled: string;
  stop: string;
}

/** Whether the page runs inside the Tauri webview (and not in a plain browser tab). */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Turns whatever a command rejected with into a message for the UI. */
export function errorMessage(err: unknown): string {
  if (typeof err === "string") return err;
  if (err instanceof Error) return err.message;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

const NOT_IN_SHELL =
  "Opsdeck's UI runs inside the desktop app; open it with the Opsdeck shell (cargo tauri dev).";

export const tauriTransport: Transport = {
  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (!insideTauri()) return Promise.reject(NOT_IN_SHELL);
    return tauriInvoke<T>(command, args);
  },
  async listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
    if (!insideTauri()) return () => {};
    return tauriListen<T>(event, (e) => handler(e.payload));
  },
  async stream<T>(commands: StreamCommands, handler: (payload: T) => void): Promise<Unlisten> {
    if (!insideTauri()) return () => {};
    const channel = new Channel<T>();
    const count = handledCounter((n) => tauriInvoke(commands.handled, { id: channel.id, count: n }));
    channel.onmessage = (m) => count(() => handler(m));
    await tauriInvoke(commands.start, { channel });
    return () => {
      channel.onmessage = () => {};
      void tauriInvoke(commands.stop, { id: channel.id }).catch(() => {});
    };
  },
};

/**
 * Runs each message's handling and then reports how many messages were handled in all, even
 * when the handler threw (the shell must not wait for a message that is done with). The count
 * is cumulative, so a report that fails is made good by the next one.
 */
export function handledCounter(report: (count: number) => Promise<unknown>): (handle: () => void) => void {
  let handled = 0;
  return (handle) => {
    try {
      handle();
    } finally {
      handled += 1;
      void report(handled).catch(() => {});
    }
  };
}
