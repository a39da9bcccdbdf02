// The vehicle marker's shapes, drawn once into a small texture the marker shader samples.
//
// Under software WebGL (llvmpipe: Xvfb, VMs, remote desktops) fragment work is the map's
// main cost: 10,000 markers of 11 px are 1.2 M fragments per repaint. Evaluating the
// arrow's outline in the fragment shader (two point-in-polygon tests with branches, and a
// sine and cosine per fragment) cost ≈ 75–115 ms per repaint there; one texture lookup
// with the rotation done per vertex costs ≈ 25–35 ms (bench/jsprofile.mjs, BENCHMARKS.md).
// Supersampling here also gives the arrows the anti-aliased edges they lacked.
//
// Atlas: two SPRITE × SPRITE cells side by side, the heading arrow (u in [0, 0.5]) and
// the disc for vehicles without a heading (u in [0.5, 1]). Red = the marker's coverage
// (its outline), green = the inner fill's; a cell's outermost texels stay empty so that
// clamped lookups outside the shape read nothing. Texture t grows along the marker's
// forward axis: the arrow's tip is at the top rows.

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

/** The RGBA atlas, (2·SPRITE) × SPRITE texels, rows from t = 0 (the markers' back) up. */
export function markerAtlas(size = SPRITE): Uint8Array {
  const w = 2 * size;
  const out = new Uint8Array(w * size * 4);
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let row = 1; row < size - 1; row++) {
    for (let col = 1; col < size - 1; col++) {
      let ao = 0, ai = 0, doo = 0, di = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = ((col + (sx + 0.5) / SUPERSAMPLE) / size) * 2 - 1;
          const y = ((row + (sy + 0.5) / SUPERSAMPLE) / size) * 2 - 1;
          const [o, i] = arrowAt(x, y);
          const [p, q] = discAt(x, y);
          ao += o;
          ai += i;
          doo += p;
          di += q;
        }
      }
      const arrow = (row * w + col) * 4;
      const disc = (row * w + size + col) * 4;
      out[arrow] = Math.round((255 * ao) / n);
      out[arrow + 1] = Math.round((255 * ai) / n);
      out[disc] = Math.round((255 * doo) / n);
      out[disc + 1] = Math.round((255 * di) / n);
    }
  }
  return out;
}
