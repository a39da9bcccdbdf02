// Number formatting that keeps widths steady (tabular figures are set in CSS).

const cache = new Map<number, Intl.NumberFormat>();

function nf(digits: number): Intl.NumberFormat {
  let f = cache.get(digits);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    cache.set(digits, f);
  }
  return f;
}

/** Decimals to show for a value: none for large or whole numbers, one or two otherwise. */
export function decimalsFor(value: number): number {
  const a = Math.abs(value);
  if (Number.isInteger(value) || a >= 1000) return 0;
  if (a >= 10) return 1;
  return 2;
}

export function formatNumber(value: number | null | undefined, digits?: number): string {
  if (value == null || !Number.isFinite(value)) return "–";
  return nf(digits ?? decimalsFor(value)).format(value);
}

/** "42 ms", "–" when unknown. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "– ms";
  return `${Math.round(ms)} ms`;
}

export function formatPercent(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "–";
  return `${Math.round(v)}%`;
}
