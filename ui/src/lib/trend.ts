// KPI trends arrive as free text such as "+5%", "-3.2", "−12%" or "0%" (PROTOCOL §4).

export type TrendDirection = "up" | "down" | "flat";

export type Trend = {
  direction: TrendDirection;
  /** Absolute magnitude, e.g. 5 for "+5%". */
  magnitude: number;
  /** Unit that followed the number ("%", "pp", ...), or "". */
  unit: string;
  /** The text to show, normalized: "+5%", "−3.2", "0%". */
  text: string;
};

const TREND_RE = /^\s*([+\-\u2212\u2013]?)\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*([^\d\s].{0,7})?\s*$/;

/** Parses a trend string; `null` for an absent or unreadable one (the card then shows none). */
export function parseTrend(raw: string | null | undefined): Trend | null {
  if (raw == null) return null;
  const m = TREND_RE.exec(raw);
  if (!m) return null;
  const magnitude = Number(m[2].replace(",", "."));
  if (!Number.isFinite(magnitude)) return null;
  const negative = m[1] !== "" && m[1] !== "+";
  const direction: TrendDirection = magnitude === 0 ? "flat" : negative ? "down" : "up";
  const unit = (m[3] ?? "").trim();
  const sign = direction === "up" ? "+" : direction === "down" ? "\u2212" : "";
  return { direction, magnitude, unit, text: `${sign}${m[2]}${unit}` };
}

/** Arrow glyph for a direction. */
export function trendArrow(direction: TrendDirection): string {
  return direction === "up" ? "\u25B2" : direction === "down" ? "\u25BC" : "\u25B6";
}
