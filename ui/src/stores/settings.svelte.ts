// Settings domain: the shell's Settings, and the theme they ask for.
import type { SettingsApi } from "../api/settings";
import { errorMessage } from "../api/transport";
import type { Settings, Theme } from "../api/types";
import type { Load } from "./connection.svelte";

/** Checks an online tile URL template; returns an error message or null. */
export function validateTileUrl(url: string): string | null {
  const u = url.trim();
  if (!u) return null;
  if (!/^https?:\/\//i.test(u)) return "The tile URL must start with http:// or https://.";
  for (const p of ["{z}", "{x}", "{y}"]) if (!u.includes(p)) return `The tile URL must contain ${p}.`;
  return null;
}

/** Checks an embedded listen address `host:port`. */
export function validateListen(listen: string): string | null {
  const m = /^(.+):(\d{1,5})$/.exec(listen.trim());
  if (!m) return "Use host:port, e.g. 127.0.0.1:4700.";
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return "The port must be 1–65535.";
  return null;
}

/** Checks the simulator's vehicle count. */
export function validateVehicles(n: number): string | null {
  if (!Number.isInteger(n) || n < 1 || n > 100_000) return "Simulated vehicles: a whole number from 1 to 100,000.";
  return null;
}

/** Every problem of a settings draft, by field (null when fine). */
export function settingsErrors(s: Settings): { listen: string | null; tileUrl: string | null; vehicles: string | null } {
  return {
    listen: validateListen(s.embedded.listen),
    tileUrl: s.tileUrl ? validateTileUrl(s.tileUrl) : null,
    vehicles: s.embedded.simulator ? validateVehicles(s.embedded.vehicles) : null,
  };
}

/** Whether saving `next` over `saved` restarts the embedded server. */
export function restartsServer(saved: Settings | null, next: Settings): boolean {
  if (!saved) return false;
  const a = saved.embedded;
  const b = next.embedded;
  return a.listen !== b.listen || a.simulator !== b.simulator || a.vehicles !== b.vehicles;
}

/** The theme to paint with: the setting, or the OS preference for "system". */
export function resolveTheme(theme: Theme | undefined, prefersDark: boolean): "light" | "dark" {
  if (theme === "light" || theme === "dark") return theme;
  return prefersDark ? "dark" : "light";
}

export class SettingsStore {
  settings = $state.raw<Settings | null>(null);
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  saving = $state(false);

  constructor(private api: SettingsApi) {}

  async start(): Promise<void> {
    this.load = "loading";
    try {
      this.settings = await this.api.get();
      this.load = "ready";
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
      this.load = "error";
    }
  }

  /** Saves one change on top of the saved settings (theme, sounds: applied at once). */
  async patch(change: Partial<Settings>): Promise<boolean> {
    if (!this.settings) return false;
    return this.save({ ...this.settings, ...change });
  }

  async save(next: Settings): Promise<boolean> {
    const errors = settingsErrors(next);
    const first = errors.listen ?? errors.tileUrl ?? errors.vehicles;
    if (first) {
      this.error = first;
      return false;
    }
    this.saving = true;
    try {
      const clean: Settings = { ...next, tileUrl: next.tileUrl?.trim() ? next.tileUrl.trim() : null };
      this.settings = await this.api.save(clean);
      this.error = null;
      return true;
    } catch (e) {
      this.error = errorMessage(e);
      return false;
    } finally {
      this.saving = false;
    }
  }
}
