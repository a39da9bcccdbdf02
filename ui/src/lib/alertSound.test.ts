import { describe, expect, it } from "vitest";
import { CHIME_GAP_MS, chime, shouldChime, type ChimeContext } from "./alertSound";

describe("alert sounds", () => {
  it("chimes when the unacked critical count rises, if enabled", () => {
    expect(shouldChime(null, 3, true)).toBe(false); // first value after start
    expect(shouldChime(1, 2, true)).toBe(true);
    expect(shouldChime(2, 2, true)).toBe(false);
    expect(shouldChime(2, 1, true)).toBe(false); // an ack
    expect(shouldChime(1, 2, false)).toBe(false);
  });

  it("rings at most once per gap", () => {
    expect(shouldChime(1, 2, true, CHIME_GAP_MS - 1)).toBe(false);
    expect(shouldChime(1, 2, true, CHIME_GAP_MS)).toBe(true);
  });

  it("schedules two short tones into the destination", () => {
    const log: string[] = [];
    const param = (name: string) => ({
      setValueAtTime: (v: number, t: number) => log.push(`${name}=${v}@${t}`),
      exponentialRampToValueAtTime: (v: number, t: number) => log.push(`${name}~${v}@${t.toFixed(2)}`),
    });
    const destination = {};
    const ctx = {
      currentTime: 1,
      destination,
      createOscillator: () => ({ type: "", frequency: param("f"), connect: () => log.push("osc→gain"), start: (t: number) => log.push(`start@${t}`), stop: (t: number) => log.push(`stop@${t.toFixed(2)}`) }),
      createGain: () => ({ gain: param("g"), connect: (d: unknown) => log.push(d === destination ? "gain→out" : "gain→?") }),
    } as unknown as ChimeContext;
    chime(ctx);
    expect(log.filter((l) => l.startsWith("f="))).toEqual(["f=880@1", "f=660@1.18"]);
    expect(log.filter((l) => l === "gain→out")).toHaveLength(2);
    expect(log).toContain("stop@1.17");
  });
});
