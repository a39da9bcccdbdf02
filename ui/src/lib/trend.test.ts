import { describe, expect, it } from "vitest";
import { parseTrend, trendArrow } from "./trend";

describe("parseTrend", () => {
  it("reads signed percentages", () => {
    expect(parseTrend("+5%")).toEqual({ direction: "up", magnitude: 5, unit: "%", text: "+5%" });
    expect(parseTrend("-3.2%")).toEqual({ direction: "down", magnitude: 3.2, unit: "%", text: "\u22123.2%" });
  });

  it("accepts the unicode minus, en dash, commas and bare numbers", () => {
    expect(parseTrend("\u221212%")?.direction).toBe("down");
    expect(parseTrend("\u20134")?.direction).toBe("down");
    expect(parseTrend("1,5%")?.magnitude).toBe(1.5);
    expect(parseTrend("7")).toEqual({ direction: "up", magnitude: 7, unit: "", text: "+7" });
    expect(parseTrend(" +2 pp ")?.unit).toBe("pp");
  });

  it("treats zero as flat", () => {
    expect(parseTrend("0%")?.direction).toBe("flat");
    expect(parseTrend("+0.0")?.direction).toBe("flat");
    expect(parseTrend("-0%")?.text).toBe("0%");
  });

  it("returns null for missing or unreadable trends", () => {
    expect(parseTrend(undefined)).toBeNull();
    expect(parseTrend(null)).toBeNull();
    expect(parseTrend("")).toBeNull();
    expect(parseTrend("up")).toBeNull();
    expect(parseTrend("++5%")).toBeNull();
  });

  it("has an arrow per direction", () => {
    expect(new Set(["up", "down", "flat"].map((d) => trendArrow(d as "up")))).toHaveProperty("size", 3);
  });
});
