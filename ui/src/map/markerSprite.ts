// The vehicle marker's shapes, drawn once into a small texture the marker shader samples.
//
// Under software WebGL (llvmpipe: Xvfb, VMs, remote desktops) fragment work is the map's
// main cost: 10,000 markers of 11 px are 1.2 M fragments per repaint. Evaluating the
// arrow's outline in the fragment shader (two point-in-polygon tests with branches, and a
// sine and cosine per fragment) cost ≈ 75–115 ms per repaint there; one texture lookup
// with the rotation done per fragment ≈ 23–27 ms; one lookup in a cell drawn already
// rotated, ≈ 14–15 ms (flat colour, the floor: 7–9 ms; bench/jsprofile.mjs, BENCHMARKS.md).
// Supersampling here also gives the arrows anti-aliased edges.
//
// Atlas: a strip of CELLS cells of SPRITE × SPRITE texels: the heading arrow turned by
// 360°/DIRECTIONS steps clockwise (cell k points k steps east of north), then the disc for
// vehicles without a heading. Red = the marker's coverage (its outline), green = the inner
// fill's; a cell's outermost texels stay empty so that lookups at its edge read nothing.
// Texture t grows upwards on screen: a north-pointing arrow's tip is at the top rows.

/** Headings the arrow is drawn at: 15° apart, finer than an 8–20 px arrow shows. */
export const DIRECTIONS = 24;
/** Cells in the strip: the arrows, then the disc. */
export const CELLS = DIRECTIONS + 1;
/** Texels per cell side. Markers are drawn at up to ≈ 30 px, so 32 keeps them sharp. */
export const SPRITE = 32;
/** Samples per texel side when measuring coverage. */
const SUPERSAMPLE = 4;

/**
 * Whether the arrow contains the point q (x sideways, y forward, both in [-1, 1]): tip at
 * y = 0.92, back corners at (±0.66, −0.72), notch at (0, −0.36).
 */
export function inArrow(x: number, y: number): boolean {
  const s = Math.abs(x);
  if (y > 0.92 || y < -0.72) return false;
  if (s > (0.66 * (0.92 - y)) / 1.64) return false;
  return y >= -0.36 - 0.5454 * s;
}

/** Outer and inner coverage (0..1) of the arrow at q. */
function arrowAt(x: number, y: number): [number, number] {
  return [inArrow(x, y) ? 1 : 0, inArrow(x / 0.74, y / 0.74 + 0.06) ? 1 : 0];
}

/** Outer and inner coverage (0..1) of the disc at q. */
function discAt(x: number, y: number): [number, number] {
  const r = Math.hypot(x, y);
  return [r <= 0.66 ? 1 : 0, r <= 0.46 ? 1 : 0];
}

/** The RGBA atlas, (CELLS·SPRITE) × SPRITE texels, rows from t = 0 (the screen's bottom) up. */
export function markerAtlas(size = SPRITE): Uint8Array {
  const w = CELLS * size;
  const out = new Uint8Array(w * size * 4);
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let cell = 0; cell < CELLS; cell++) {
    const theta = (cell * 2 * Math.PI) / DIRECTIONS;
    const [c, s] = [Math.cos(theta), Math.sin(theta)];
    for (let row = 1; row < size - 1; row++) {
      for (let col = 1; col < size - 1; col++) {
        let outer = 0;
        let inner = 0;
        for (let sy = 0; sy < SUPERSAMPLE; sy++) {
          for (let sx = 0; sx < SUPERSAMPLE; sx++) {
            // screen offset (x right, y up) → the arrow's own axes (sideways, forward)
            const x = ((col + (sx + 0.5) / SUPERSAMPLE) / size) * 2 - 1;
            const y = ((row + (sy + 0.5) / SUPERSAMPLE) / size) * 2 - 1;
            const [o, i] = cell === DIRECTIONS ? discAt(x, y) : arrowAt(x * c - y * s, x * s + y * c);
            outer += o;
            inner += i;
          }
        }
        const k = (row * w + cell * size + col) * 4;
        out[k] = Math.round((255 * outer) / n);
        out[k + 1] = Math.round((255 * inner) / n);
      }
    }
  }
  return out;
}
