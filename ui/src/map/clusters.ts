// Grid clustering for the zoomed-out view: vehicles are binned into square cells of about
// CELL_PX screen pixels at the current whole zoom level, in mercator space, so panning needs
// no recomputation and zooming only at whole levels. One pass over the table, no allocation
// per vehicle beyond the cell map.
import type { FleetTable } from "../stores/fleetTable";

export const CELL_PX = 64;

export type Clusters = {
  /** Per cluster: mean mercator x, y. */
  x: Float64Array;
  y: Float64Array;
  count: Uint32Array;
  /** Most common status code among members. */
  status: Uint8Array;
  /** Members with status emergency (drawn as a red ring). */
  emergencies: Uint32Array;
  length: number;
  zoom: number;
};

const EMERGENCY = 4;

export function cellSize(zoom: number): number {
  return CELL_PX / (512 * Math.pow(2, Math.floor(zoom)));
}

/** Clusters of the table's positioned rows whose status bit is set in `mask`. */
export function computeClusters(table: FleetTable, zoom: number, mask = 0xff): Clusters {
  const size = cellSize(zoom);
  const cells = new Map<number, number>();
  const sx: number[] = [];
  const sy: number[] = [];
  const cnt: number[] = [];
  const byStatus: number[] = []; // 5 per cluster
  for (let i = 0; i < table.count; i++) {
    if (!table.hasPosition(i) || !(mask & (1 << table.status[i]))) continue;
    const x = table.toX[i];
    const y = table.toY[i];
    const key = Math.floor(x / size) * 4_194_304 + Math.floor(y / size);
    let c = cells.get(key);
    if (c === undefined) {
      c = cnt.length;
      cells.set(key, c);
      sx.push(0);
      sy.push(0);
      cnt.push(0);
      byStatus.push(0, 0, 0, 0, 0);
    }
    sx[c] += x;
    sy[c] += y;
    cnt[c]++;
    byStatus[c * 5 + table.status[i]]++;
  }
  const n = cnt.length;
  const out: Clusters = {
    x: new Float64Array(n),
    y: new Float64Array(n),
    count: new Uint32Array(n),
    status: new Uint8Array(n),
    emergencies: new Uint32Array(n),
    length: n,
    zoom: Math.floor(zoom),
  };
  for (let c = 0; c < n; c++) {
    out.x[c] = sx[c] / cnt[c];
    out.y[c] = sy[c] / cnt[c];
    out.count[c] = cnt[c];
    let best = 0;
    for (let s = 1; s < 5; s++) if (byStatus[c * 5 + s] > byStatus[c * 5 + best]) best = s;
    out.status[c] = best;
    out.emergencies[c] = byStatus[c * 5 + EMERGENCY];
  }
  return out;
}

/** Marker diameter in px for a cluster of `count` vehicles. */
export function clusterDiameter(count: number): number {
  return Math.min(56, 14 + 7 * Math.log2(Math.max(1, count)));
}
