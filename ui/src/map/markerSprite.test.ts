import { describe, expect, it } from "vitest";
import { CELLS, DIRECTIONS, inArrow, markerAtlas, SPRITE } from "./markerSprite";

const W = CELLS * SPRITE;
/** Texel (red = outer, green = inner) of a cell at normalised screen offset (x right, y up) in [-1, 1]. */
function at(a: Uint8Array, cell: number, x: number, y: number): [number, number] {
  const col = Math.min(SPRITE - 1, Math.floor(((x + 1) / 2) * SPRITE)) + cell * SPRITE;
  const row = Math.min(SPRITE - 1, Math.floor(((y + 1) / 2) * SPRITE));
  const i = (row * W + col) * 4;
  return [a[i], a[i + 1]];
}
const EAST = DIRECTIONS / 4;
const SOUTH = DIRECTIONS / 2;
const DISC = DIRECTIONS;

describe("marker atlas", () => {
  const a = markerAtlas();

  it("is a strip of RGBA cells: the turned arrows and the disc", () => {
    expect(a.length).toBe(W * SPRITE * 4);
  });

  it("keeps every cell's outermost texels empty, so lookups at its edge read nothing", () => {
    for (let cell = 0; cell < CELLS; cell++) {
      for (let i = 0; i < SPRITE; i++) {
        for (const [col, row] of [[0, i], [SPRITE - 1, i], [i, 0], [i, SPRITE - 1]]) {
          const k = (row * W + cell * SPRITE + col) * 4;
          expect([a[k], a[k + 1]]).toEqual([0, 0]);
        }
      }
    }
  });

  it("fills the north arrow's body and outlines it, the tip upwards", () => {
    expect(at(a, 0, 0, 0)).toEqual([255, 255]);
    // near the tip: outline only
    expect(at(a, 0, 0, 0.7)[0]).toBe(255);
    expect(at(a, 0, 0, 0.7)[1]).toBe(0);
    // the notch at the back is empty, the back corners are not
    expect(at(a, 0, 0, -0.6)).toEqual([0, 0]);
    expect(at(a, 0, 0.5, -0.6)[0]).toBeGreaterThan(0);
    // beside the tip: nothing
    expect(at(a, 0, 0.6, 0.8)).toEqual([0, 0]);
  });

  it("turns the arrow clockwise: east points right, south points down", () => {
    expect(at(a, EAST, 0.7, 0)[0]).toBe(255);
    expect(at(a, EAST, -0.6, 0)).toEqual([0, 0]);
    expect(at(a, EAST, 0, 0.7)).toEqual([0, 0]);
    expect(at(a, SOUTH, 0, -0.7)[0]).toBe(255);
    expect(at(a, SOUTH, 0, 0.6)).toEqual([0, 0]);
    // the south arrow is the north one upside down
    expect(at(a, SOUTH, 0.3, -0.2)).toEqual(at(a, 0, 0.3, 0.2));
  });

  it("draws a filled, outlined disc in the last cell", () => {
    expect(at(a, DISC, 0, 0)).toEqual([255, 255]);
    expect(at(a, DISC, 0.56, 0)).toEqual([255, 0]);
    expect(at(a, DISC, 0.8, 0)).toEqual([0, 0]);
    expect(at(a, DISC, -0.3, 0.3)).toEqual(at(a, DISC, 0.3, -0.3));
  });

  it("anti-aliases edges with partial coverage", () => {
    const partial = Array.from({ length: W * SPRITE }, (_, i) => a[i * 4]).filter((v) => v > 0 && v < 255);
    expect(partial.length).toBeGreaterThan(20 * CELLS);
  });

  it("has the arrow shape the shader used to compute", () => {
    expect(inArrow(0, 0.9)).toBe(true);
    expect(inArrow(0, 0.95)).toBe(false);
    expect(inArrow(0.62, -0.68)).toBe(true);
    expect(inArrow(0, -0.5)).toBe(false);
  });
});
