// A machine's report figures over time (cache size, plaintext and encrypted entries), for charts.
// Reads only the figure columns; a report stored before those columns existed has them null, and
// only the reports that end up on the chart are decoded from their payload instead.
import { StoredAgentReport } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { chunked } from "./batching.js";
import { decodePayload } from "./payload.js";

export interface ReportPoint {
  reportId: string;
  takenAt: Date;
  cacheEntries: number | null;
  cacheBytes: number | null;
  plaintextEntries: number | null;
  encryptedEntries: number | null;
  /** The encrypted cache helper's counters at this report; null without a helper. */
  cacheGets: number | null;
  cacheHits: number | null;
}

export interface HistoryOptions {
  /** Only reports taken at or after this time. */
  since?: Date;
  /** At most this many points come back, spread evenly over the reports read. */
  maxPoints?: number;
}

/** The most recent reports a history reads: a report a minute is about a week of them. */
export const maxReportsRead = 10_000;
export const defaultMaxPoints = 200;

/**
 * Keeps at most `maxPoints` of `points` (oldest first), evenly spread: the first and the last are
 * always kept, so the chart starts and ends where the history does.
 */
export function downsample<T>(points: readonly T[], maxPoints: number): T[] {
  if (maxPoints < 1) return [];
  if (points.length <= maxPoints) return [...points];
  if (maxPoints === 1) return points.slice(-1);
  const step = (points.length - 1) / (maxPoints - 1);
  const kept: T[] = [];
  for (let index = 0; index < maxPoints; index++) {
    const point = points[Math.round(index * step)];
    if (point !== undefined) kept.push(point);
  }
  return kept;
}

/** The figures a report's payload holds, for reports stored before the figure columns. */
export function figuresOfPayload(payload: string): Omit<ReportPoint, "reportId" | "takenAt"> {
  const parsed = StoredAgentReport.safeParse(JSON.parse(decodePayload(payload)));
  const hits = parsed.success ? parsed.data.cacheHits : null;
  const counters = { cacheGets: hits?.gets ?? null, cacheHits: hits?.hits ?? null };
  if (!parsed.success || parsed.data.scan.status !== "ok") {
    return { cacheEntries: null, cacheBytes: null, plaintextEntries: null, encryptedEntries: null, ...counters };
  }
  const { entries, classes } = parsed.data.scan.summary;
  return {
    cacheEntries: entries.count,
    cacheBytes: entries.bytes,
    plaintextEntries: classes.plaintext.count,
    encryptedEntries: classes.encrypted.count,
    ...counters,
  };
}

/**
 * The hit rate between consecutive points (hits / gets of the lookups in between), so the chart
 * shows how the cache serves builds now rather than since the counters began. A point whose
 * counters went down (reset with a new cache) counts from zero; null where no lookup happened.
 */
export function hitRates(points: readonly Pick<ReportPoint, "cacheGets" | "cacheHits">[]): (number | null)[] {
  let previous: { gets: number; hits: number } | null = null;
  return points.map((point) => {
    if (point.cacheGets === null || point.cacheHits === null) return null;
    const reset = previous === null || point.cacheGets < previous.gets || point.cacheHits < previous.hits;
    const gets = reset ? point.cacheGets : point.cacheGets - (previous?.gets ?? 0);
    const hits = reset ? point.cacheHits : point.cacheHits - (previous?.hits ?? 0);
    previous = { gets: point.cacheGets, hits: point.cacheHits };
    return gets > 0 ? Math.min(1, hits / gets) : null;
  });
}

/** The machine's report figures, oldest first, bounded and downsampled for a long history. */
export async function reportHistory(db: Db, machineId: string, options: HistoryOptions = {}): Promise<ReportPoint[]> {
  const maxPoints = options.maxPoints ?? defaultMaxPoints;
  const rows = await db.report.findMany({
    where: { machineId, ...(options.since ? { takenAt: { gte: options.since } } : {}) },
    select: { id: true, takenAt: true, cacheEntries: true, cacheBytes: true, plaintextEntries: true, encryptedEntries: true, cacheGets: true, cacheHits: true },
    orderBy: [{ takenAt: "desc" }, { id: "desc" }],
    take: maxReportsRead,
  });
  const kept = downsample(rows.reverse(), maxPoints);
  const points = kept.map(
    (row): ReportPoint => ({
      reportId: row.id,
      takenAt: row.takenAt,
      cacheEntries: row.cacheEntries,
      cacheBytes: row.cacheBytes === null ? null : Number(row.cacheBytes),
      plaintextEntries: row.plaintextEntries,
      encryptedEntries: row.encryptedEntries,
      cacheGets: row.cacheGets,
      cacheHits: row.cacheHits,
    }),
  );
  // A report with no scan has every figure null in both places; reading its payload again is cheap.
  const unfilled = points.filter((point) => point.cacheEntries === null && point.plaintextEntries === null);
  const payloads = new Map<string, string>();
  for (const ids of chunked(unfilled.map((point) => point.reportId))) {
    for (const row of await db.report.findMany({ where: { id: { in: ids } }, select: { id: true, payload: true } })) {
      payloads.set(row.id, row.payload);
    }
  }
  return points.map((point) => {
    const payload = payloads.get(point.reportId);
    return payload === undefined ? point : { ...point, ...figuresOfPayload(payload) };
  });
}
