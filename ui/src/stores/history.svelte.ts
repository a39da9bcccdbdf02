// Vehicle history replay: the range, the loaded track, the replay cursor and playback.
// Playback is driven from outside (the panel's animation frame calls `tick`), so the
// store stays testable without timers.
import type { HistoryApi } from "../api/history";
import { errorMessage } from "../api/transport";
import type { HistoryTrack } from "../bindings/app";
import {
  advance,
  buildTrack,
  positionAt,
  resolveRange,
  sliderToTime,
  timeToSlider,
  toLocalInput,
  trackSpan,
  type RangePreset,
  type Rate,
  type ReplayPoint,
  type Track,
} from "../lib/replay";
import type { Load } from "./connection.svelte";

export class HistoryStore {
  vehicleId = $state<string | null>(null);
  preset = $state<RangePreset>("1h");
  customFrom = $state("");
  customTo = $state("");
  load = $state<Load>("idle");
  error = $state<string | null>(null);
  data = $state.raw<HistoryTrack | null>(null);
  track = $state.raw<Track | null>(null);
  /** Replay time, ms since the epoch. */
  cursor = $state(0);
  playing = $state(false);
  rate = $state<Rate>(10);

  span = $derived(this.track ? trackSpan(this.track) : null);
  point: ReplayPoint | null = $derived(this.track ? positionAt(this.track, this.cursor) : null);
  slider = $derived(this.span ? timeToSlider(this.cursor, this.span.start, this.span.end) : 0);

  private seq = 0;

  constructor(
    private api: HistoryApi,
    private now: () => number = Date.now,
  ) {}

  /** Shows a vehicle's history (reloads when it is another vehicle). */
  open(vehicleId: string): void {
    if (this.vehicleId === vehicleId && this.load !== "idle") return;
    this.vehicleId = vehicleId;
    this.reset();
    void this.fetch();
  }

  close(): void {
    this.seq++;
    this.vehicleId = null;
    this.reset();
    this.load = "idle";
  }

  private reset(): void {
    this.playing = false;
    this.data = null;
    this.track = null;
    this.cursor = 0;
    this.error = null;
  }

  setPreset(p: RangePreset): void {
    this.preset = p;
    if (p === "custom") {
      // Start from the range shown so far, so the inputs are never blank.
      const to = this.data ? Date.parse(this.data.to) : this.now();
      const from = this.data ? Date.parse(this.data.from) : to - 3_600_000;
      if (!this.customFrom) this.customFrom = toLocalInput(from);
      if (!this.customTo) this.customTo = toLocalInput(to);
      return;
    }
    void this.fetch();
  }

  /** Loads the current range. */
  async fetch(): Promise<void> {
    const id = this.vehicleId;
    if (!id) return;
    const range = resolveRange(this.preset, this.now(), { from: this.customFrom, to: this.customTo });
    const seq = ++this.seq;
    this.playing = false;
    if (typeof range === "string") {
      this.error = range;
      this.load = "error";
      return;
    }
    this.load = "loading";
    this.error = null;
    try {
      const data = await this.api.load(id, new Date(range.from).toISOString(), new Date(range.to).toISOString());
      if (seq !== this.seq) return;
      const track = buildTrack(data.locations);
      this.data = data;
      this.track = track;
      this.cursor = track.length ? track.t[0] : range.from;
      this.load = "ready";
    } catch (e) {
      if (seq !== this.seq) return;
      this.error = errorMessage(e);
      this.load = "error";
    }
  }

  /** Moves the replay to a slider position (0..SLIDER_STEPS). */
  seekSlider(value: number): void {
    if (this.span) this.cursor = sliderToTime(value, this.span.start, this.span.end);
  }

  seek(time: number): void {
    if (this.span) this.cursor = Math.max(this.span.start, Math.min(this.span.end, time));
  }

  play(): void {
    if (!this.span || this.span.end <= this.span.start) return;
    if (this.cursor >= this.span.end) this.cursor = this.span.start;
    this.playing = true;
  }

  pause(): void {
    this.playing = false;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setRate(r: Rate): void {
    this.rate = r;
  }

  /** Advances playback by `dtMs` of wall time. */
  tick(dtMs: number): void {
    if (!this.playing || !this.span) return;
    const r = advance(this.cursor, dtMs, this.rate, this.span.end);
    this.cursor = r.time;
    if (r.done) this.playing = false;
  }
}
