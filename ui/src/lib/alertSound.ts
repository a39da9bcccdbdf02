// Alert sounds: a short two-tone chime made with WebAudio (no audio files), played when the
// count of unacknowledged critical alerts rises (`alerts://unacked-critical`), if the
// Settings say so.

/** Shortest time between two chimes: a burst of critical alerts (a fleet crossing a geofence
 * together) rings once, not once per alert, and the page's audio stays mostly idle. */
export const CHIME_GAP_MS = 3000;

/** Whether a new count means a new critical alert worth a chime: it rose, it is not the first
 * value, and the last chime was at least {@link CHIME_GAP_MS} ago. */
export function shouldChime(previous: number | null, next: number, enabled: boolean, sinceLastMs = Infinity): boolean {
  return enabled && previous !== null && next > previous && sinceLastMs >= CHIME_GAP_MS;
}

/** The parts of an AudioContext the chime uses (a fake in tests). */
export type ChimeContext = Pick<AudioContext, "currentTime" | "destination" | "createOscillator" | "createGain"> & {
  state?: string;
  resume?: () => Promise<void>;
};

/** Two short beeps (880 Hz then 660 Hz, ~0.35 s in all) at a moderate volume. */
export function chime(ctx: ChimeContext): void {
  if (ctx.state === "suspended") void ctx.resume?.();
  const t0 = ctx.currentTime;
  [
    [880, 0],
    [660, 0.18],
  ].forEach(([freq, at]) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.setValueAtTime(freq, t0 + at);
    gain.gain.setValueAtTime(0.0001, t0 + at);
    gain.gain.exponentialRampToValueAtTime(0.3, t0 + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.16);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(t0 + at);
    osc.stop(t0 + at + 0.17);
  });
}

let shared: AudioContext | null = null;

/** Plays the chime; false where WebAudio is missing. */
export function playChime(): boolean {
  const Ctor = typeof window !== "undefined" ? (window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext) : undefined;
  if (!Ctor) return false;
  try {
    shared ??= new Ctor();
    chime(shared);
    return true;
  } catch {
    return false;
  }
}
