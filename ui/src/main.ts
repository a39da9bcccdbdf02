// Composition root: the api on the Tauri transport, the stores, the frame probe, the App.
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { createApi } from "./api";
import { tauriTransport } from "./api/transport";
import { ConnectionStore } from "./stores/connection.svelte";
import { SettingsStore } from "./stores/settings.svelte";
import { SessionManager } from "./stores/session.svelte";
import { Clock } from "./stores/clock.svelte";
import { DesktopEvents } from "./stores/desktop.svelte";
import { playChime } from "./lib/alertSound";
import { startFrameProbe } from "./lib/frameProbe";

startFrameProbe();

const api = createApi(tauriTransport);
const connection = new ConnectionStore(api.connection, api.profiles);
const settings = new SettingsStore(api.settings);
const sessions = new SessionManager(api);
const clock = new Clock();
clock.start();
void connection.start();
void settings.start();
// Tray actions and alert sounds; "compose" lands in the notification composer.
const desktop = new DesktopEvents(api.desktop, () => settings.settings?.alertSounds ?? true, playChime, (hash) => {
  location.hash = hash;
  if (hash.endsWith("/compose")) setTimeout(() => document.querySelector<HTMLElement>('[data-testid="compose-title"]')?.focus(), 150);
});
void desktop.start();

const app = mount(App, {
  target: document.getElementById("app")!,
  props: { connection, settings, sessions, clock },
});

export default app;
