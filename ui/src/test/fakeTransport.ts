// A fake Transport for unit tests only: records commands, answers them from handlers the
// test sets, and lets the test emit events as the shell would.
import { handledCounter, type StreamCommands, type Transport, type Unlisten } from "../api/transport";

type Handler = (args: Record<string, unknown> | undefined) => unknown;

export class FakeTransport implements Transport {
  calls: Array<{ command: string; args?: Record<string, unknown> }> = [];
  private handlers = new Map<string, Handler>();
  private listeners = new Map<string, Set<(p: unknown) => void>>();

  /** Answers `command` with `value`, or with what `value(args)` returns (a throw rejects). */
  on(command: string, value: unknown): this {
    this.handlers.set(command, typeof value === "function" ? (value as Handler) : () => value);
    return this;
  }

  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    this.calls.push({ command, args });
    const h = this.handlers.get(command);
    if (!h) return Promise.reject(`no handler for ${command}`);
    try {
      return Promise.resolve(h(args) as T);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  listen<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const h = handler as (p: unknown) => void;
    set.add(h);
    return Promise.resolve(() => set!.delete(h));
  }

  /** A stream is a listener under its `start` command's name; the start, each handled count
   * (`{ count }`) and the stop are recorded as calls. */
  async stream<T>(commands: StreamCommands, handler: (payload: T) => void): Promise<Unlisten> {
    this.calls.push({ command: commands.start });
    const count = handledCounter(async (n) => this.calls.push({ command: commands.handled, args: { count: n } }));
    const off = await this.listen<T>(commands.start, (m) => count(() => handler(m)));
    return () => {
      off();
      this.calls.push({ command: commands.stop });
    };
  }

  emit(event: string, payload: unknown): void {
    for (const h of this.listeners.get(event) ?? []) h(payload);
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  commands(): string[] {
    return this.calls.map((c) => c.command);
  }
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}
