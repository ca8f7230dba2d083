// Cache growth from a machine's report history: a least-squares line through (time, cache bytes)
// over a recent window, and how long until a limit is crossed at that rate. Pure.

/** Reports older than this do not count towards the current growth rate. */
export const GROWTH_WINDOW_DAYS = 14;
/** Two reports closer together than this say nothing about a daily rate. */
export const MIN_GROWTH_SPAN_MS = 3_600_000;

export interface SizePoint {
  takenAt: Date;
  bytes: number;
}

/** Bytes per day by least squares over `points`; null with fewer than two spanning an hour. */
export function growthPerDay(points: readonly SizePoint[]): number | null {
  if (points.length < 2) return null;
  const times = points.map((p) => p.takenAt.getTime());
  const span = Math.max(...times) - Math.min(...times);
  if (span < MIN_GROWTH_SPAN_MS) return null;
  const t0 = Math.min(...times);
  const xs = times.map((t) => (t - t0) / 86_400_000);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((a, p) => a + p.bytes, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  points.forEach((p, i) => {
    const dx = (xs[i] ?? 0) - meanX;
    sxy += dx * (p.bytes - meanY);
    sxx += dx * dx;
  });
  return sxx === 0 ? null : sxy / sxx;
}

/**
 * Days until a cache of `bytes` growing `perDay` reaches `limitBytes`: 0 when already there (growth
 * known or not), null when it does not grow or its growth is unknown.
 */
export function daysUntil(bytes: number | null, perDay: number | null, limitBytes: number | null): number | null {
  if (bytes === null || limitBytes === null) return null;
  if (bytes >= limitBytes) return 0;
  if (perDay === null || perDay <= 0) return null;
  return (limitBytes - bytes) / perDay;
}
