// How big vehicle markers are drawn, in device pixels.
//
// By zoom: 8 px (city) to 22 px (street). When the view is crowded, smaller: a marker's
// area is kept near 1.5× the pixels each vehicle in view has to itself, down to 65 % of
// its zoom size and never under 7 px. Overlapping markers are unreadable anyway, and
// under software rendering the fragments they cover are the map's main cost (10,000
// markers in a 660 × 560 view: 11 px → 7.4 px, 55 % fewer fragments).

/** Marker diameter for `zoom`, with `inView` vehicles in a view of `viewPx` CSS pixels. */
export function markerSize(zoom: number, inView: number, viewPx: number, dpr = 1): number {
  const base = Math.max(8, Math.min(22, 9 + (zoom - 10) * 2));
  if (inView <= 0 || viewPx <= 0) return base * dpr;
  const fit = Math.sqrt((1.5 * viewPx) / inView);
  const size = Math.min(base, Math.max(fit, base * 0.65, 7));
  return size * dpr;
}
