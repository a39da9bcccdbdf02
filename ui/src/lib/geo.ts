// Web Mercator in MapLibre's unit square (x, y in 0..1, y down), as MercatorCoordinate.

export function mercX(lng: number): number {
  return (180 + lng) / 360;
}

export function mercY(lat: number): number {
  const clamped = Math.max(-85.051129, Math.min(85.051129, lat));
  return (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360))) / 360;
}

export function lngFromMercX(x: number): number {
  return x * 360 - 180;
}

export function latFromMercY(y: number): number {
  const y2 = 180 - y * 360;
  return (360 / Math.PI) * Math.atan(Math.exp((y2 * Math.PI) / 180)) - 90;
}

/** A circle of `radiusM` metres as a closed ring of [lng, lat] pairs (for geofences). */
export function circleRing(lat: number, lng: number, radiusM: number, steps = 48): [number, number][] {
  const ring: [number, number][] = [];
  const dLat = radiusM / 111_320;
  const dLng = radiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  for (let i = 0; i <= steps; i++) {
    const a = (i / steps) * 2 * Math.PI;
    ring.push([lng + dLng * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return ring;
}
