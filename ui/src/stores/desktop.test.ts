import { describe, expect, it } from "vitest";
import { desktopApi } from "../api/desktop";
import { FakeTransport } from "../test/fakeTransport";
import { DesktopEvents, navigateHash } from "./desktop.svelte";
import { CHIME_GAP_MS } from "../lib/alertSound";

describe("DesktopEvents", () => {
  it("opens the screen a tray action names", async () => {
    const t = new FakeTransport();
    const hashes: string[] = [];
    const d = new DesktopEvents(desktopApi(t), () => true, () => true, (h) => hashes.push(h));
    await d.start();
    t.emit("tray://navigate", { view: "alerts", action: null });
    t.emit("tray://navigate", { view: "notifications", action: "compose" });
    expect(hashes).toEqual(["#/alerts", "#/notifications/compose"]);
    expect(navigateHash({ view: "fleet", action: null })).toBe("#/fleet");
  });

  it("chimes when unacked critical alerts rise and sounds are on", async () => {
    const t = new FakeTransport();
    let on = true;
    let played = 0;
    let clock = 0;
    const d = new DesktopEvents(desktopApi(t), () => on, () => (played++, true), () => {}, () => clock);
    await d.start();
    t.emit("alerts://unacked-critical", { count: 2 }); // first value: no sound
    t.emit("alerts://unacked-critical", { count: 3 });
    t.emit("alerts://unacked-critical", { count: 2 }); // an ack
    clock += 1000;
    t.emit("alerts://unacked-critical", { count: 5 }); // too soon after the last chime
    expect(played).toBe(1);
    clock += CHIME_GAP_MS;
    t.emit("alerts://unacked-critical", { count: 6 });
    expect(played).toBe(2);
    on = false;
    clock += CHIME_GAP_MS;
    t.emit("alerts://unacked-critical", { count: 7 });
    expect(played).toBe(2);
    expect(d.critical).toBe(7);
    d.stop();
    expect(t.listenerCount("alerts://unacked-critical")).toBe(0);
  });
});
