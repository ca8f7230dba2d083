// Cache hygiene rules: facts about how the cache is kept (Go's trim), as opposed to what it holds.
// Pure: the time they judge against is the report's own.
import type { ScanProbe } from "@cachefleet/contract";

/** A trim older than this while unused entries wait is stale (cmd/go would trim daily). */
export const STALE_TRIM_AFTER_MS = 2 * 24 * 3_600_000;

export interface HygieneFinding {
  rule: "stale-trim";
  severity: "warning";
  title: string;
  action: string;
}

/** Bytes in the largest binary unit that keeps the figure at least 1 (B, KiB, MiB, GiB, TiB). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Whether Go's trim has stalled: entries unused for over 5 days exist and trim.txt is more than
 * 2 days older than the report (or absent). Undecidable, and so silent, without the report's time
 * or a scan from an agent that states trim facts.
 */
export function isTrimStale(scan: ScanProbe, takenAt: string | undefined): boolean {
  if (scan.status !== "ok" || scan.summary.trim === undefined || takenAt === undefined) return false;
  const { lastTrimAt, unused } = scan.summary.trim;
  if (unused.count === 0) return false;
  if (lastTrimAt === null) return true;
  return Date.parse(takenAt) - Date.parse(lastTrimAt) > STALE_TRIM_AFTER_MS;
}

export function trimRules(scan: ScanProbe, takenAt: string | undefined): HygieneFinding[] {
  if (!isTrimStale(scan, takenAt) || scan.status !== "ok" || scan.summary.trim === undefined) return [];
  const { lastTrimAt, unused } = scan.summary.trim;
  const since = lastTrimAt === null ? "has no record of a trim (trim.txt is missing or unreadable)" : `last trimmed the cache on ${lastTrimAt.slice(0, 10)}`;
  return [
    {
      rule: "stale-trim",
      severity: "warning",
      title: `Go ${since}: ${unused.count} entries unused for over 5 days hold ${formatBytes(unused.bytes)} that a trim would free`,
      action:
        `Push a trim: it deletes exactly the entries Go's own trim would (unused for 5 days and more) and frees ${formatBytes(unused.bytes)}; ` +
        "no backup is needed. A trim.txt restored with the cache (CI caches, copied home folders) is the usual reason Go stopped trimming.",
    },
  ];
}
