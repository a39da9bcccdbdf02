// One colour per vehicle status, shared by the map layer, the list and the legend.
import type { VehicleStatus } from "../bindings";

export const STATUS_COLORS: Record<VehicleStatus, string> = {
  active: "#16a34a",
  idle: "#d97706",
  offline: "#8b93a1",
  maintenance: "#7c3aed",
  emergency: "#dc2626",
};

export const STATUS_LABELS: Record<VehicleStatus, string> = {
  active: "Active",
  idle: "Idle",
  offline: "Offline",
  maintenance: "Maintenance",
  emergency: "Emergency",
};

/** "#rrggbb" → [r, g, b] in 0..1. */
export function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}
