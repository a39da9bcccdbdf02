import { describe, expect, it } from "vitest";
import { historyApi } from "../api/history";
import type { HistoryTrack } from "../bindings/app";
import { FakeTransport, flush } from "../test/fakeTransport";
import { HistoryStore } from "./history.svelte";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const track = (n: number): HistoryTrack => ({
  vehicleId: "V1",
  from: new Date(NOW - 3_600_000).toISOString(),
  to: new Date(NOW).toISOString(),
  total: n,
  truncated: false,
  locations: Array.from({ length: n }, (_, i) => ({ lat: 24 + i / 100, lng: 46, speed: i * 10, ts: new Date(NOW - 600_000 + i * 60_000).toISOString() })),
});

function setup(answer: unknown) {
  const t = new FakeTransport().on("fleet_vehicle_history", answer);
  return { t, store: new HistoryStore(historyApi(t), () => NOW) };
}

describe("HistoryStore", () => {
  it("loads the preset range for the vehicle and puts the cursor at the first fix", async () => {
    const { t, store } = setup(track(5));
    store.open("V1");
    expect(store.load).toBe("loading");
    await flush();
    expect(store.load).toBe("ready");
    const args = t.calls[0].args!;
    expect(args.vehicleId).toBe("V1");
    expect(Date.parse(args.to as string) - Date.parse(args.from as string)).toBe(3_600_000);
    expect(store.track?.length).toBe(5);
    expect(store.cursor).toBe(NOW - 600_000);
    expect(store.point).toMatchObject({ lat: 24, speed: 0 });
    store.setPreset("15m");
    await flush();
    const last = t.calls[t.calls.length - 1].args!;
    expect(Date.parse(last.to as string) - Date.parse(last.from as string)).toBe(900_000);
  });

  it("moves the replay with the slider and plays at the chosen rate until the end", async () => {
    const { store } = setup(track(5)); // 4 minutes of track
    store.open("V1");
    await flush();
    store.seekSlider(500);
    expect(store.cursor).toBe(NOW - 600_000 + 120_000);
    expect(store.point!.lat).toBeCloseTo(24.02, 10);
    expect(store.slider).toBe(500);
    store.setRate(60);
    store.play();
    store.tick(1000); // one second at x60 = one minute
    expect(store.cursor).toBe(NOW - 600_000 + 180_000);
    store.tick(10_000);
    expect(store.cursor).toBe(NOW - 600_000 + 240_000);
    expect(store.playing).toBe(false);
    store.play(); // from the end, starts over
    expect(store.cursor).toBe(NOW - 600_000);
    store.pause();
    store.tick(1000);
    expect(store.cursor).toBe(NOW - 600_000);
  });

  it("has an empty state, an error state and drops stale answers", async () => {
    const empty = setup(track(0));
    empty.store.open("V1");
    await flush();
    expect(empty.store.load).toBe("ready");
    expect(empty.store.track?.length).toBe(0);
    expect(empty.store.point).toBeNull();

    const failing = setup(() => {
      throw "not connected";
    });
    failing.store.open("V1");
    await flush();
    expect(failing.store.load).toBe("error");
    expect(failing.store.error).toBe("not connected");

    const bad = setup(track(3));
    bad.store.open("V1");
    await flush();
    bad.store.setPreset("custom");
    expect(bad.store.customFrom).not.toBe("");
    bad.store.customTo = bad.store.customFrom;
    await bad.store.fetch();
    expect(bad.store.load).toBe("error");
    expect(bad.store.error).toMatch(/after the start/);

    let release!: (h: HistoryTrack) => void;
    const slow = setup(() => new Promise<HistoryTrack>((r) => (release = r)));
    slow.store.open("V1");
    slow.store.close();
    release(track(3));
    await flush();
    expect(slow.store.load).toBe("idle");
    expect(slow.store.track).toBeNull();
  });
});
