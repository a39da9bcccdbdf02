// `settings_*` commands.
import type { Transport } from "./transport";
import type { Settings } from "./types";

export function settingsApi(t: Transport) {
  return {
    get: () => t.invoke<Settings>("settings_get"),
    save: (settings: Settings) => t.invoke<Settings>("settings_save", { settings }),
  };
}
export type SettingsApi = ReturnType<typeof settingsApi>;
