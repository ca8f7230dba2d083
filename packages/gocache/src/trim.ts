// Go's own trim rule (cmd/go/internal/cache, DiskCache.Trim and trimSubdir), stated once: which
// entries the next trim would delete, and when the last trim ran (trim.txt). Pure but for the
// one small read of trim.txt.
import { readFileSync } from "node:fs";
import path from "node:path";

/** cmd/go refreshes a used entry's mtime at most this often (mtimeInterval). */
export const MTIME_INTERVAL_MS = 3_600_000;
/** cmd/go trims at most this often (trimInterval). */
export const TRIM_INTERVAL_MS = 24 * 3_600_000;
/** Entries unused this long go at the next trim (trimLimit). */
export const TRIM_LIMIT_MS = 5 * 24 * 3_600_000;
/** The smallest age, in days, a trim may be asked for: Go's own limit. */
export const MIN_TRIM_DAYS = 5;

/** Go trims only the 256 bucket folders it names with fmt.Sprintf("%02x", i). */
export const TRIM_BUCKET = /^[0-9a-f]{2}$/;

/** A name Go's trim removes when old enough ("Remove only cache entries (xxxx-a and xxxx-d)"). */
export function isTrimmableName(name: string): boolean {
  return name.endsWith("-a") || name.endsWith("-d");
}

/**
 * The mtime before which an entry counts as unused at `nowMs`: cutoff := now.Add(-trimLimit -
 * mtimeInterval). A trim asked for entries older than `olderThanDays` (at least Go's 5) moves the
 * cutoff further back by the same rule.
 */
export function trimCutoffMs(nowMs: number, olderThanDays = MIN_TRIM_DAYS): number {
  if (!Number.isInteger(olderThanDays) || olderThanDays < MIN_TRIM_DAYS) {
    throw new RangeError(`a trim removes entries unused for at least ${MIN_TRIM_DAYS} days, got ${olderThanDays}`);
  }
  return nowMs - olderThanDays * 24 * 3_600_000 - MTIME_INTERVAL_MS;
}

const EARLIEST_S = new Date("0000-01-01T00:00:00.000Z").getTime() / 1000;
const LATEST_S = new Date("9999-12-31T23:59:59.000Z").getTime() / 1000;

/**
 * The text of trim.txt as cmd/go reads it (strconv.ParseInt of the trimmed text, unix seconds),
 * as an ISO 8601 time; null when it does not parse or has no plain ISO form.
 */
export function parseTrimTime(text: string): string | null {
  const trimmed = text.trim();
  if (!/^[+-]?\d{1,19}$/.test(trimmed)) return null;
  const seconds = Number(trimmed);
  if (!Number.isSafeInteger(seconds) || seconds < EARLIEST_S || seconds > LATEST_S) return null;
  return new Date(seconds * 1000).toISOString();
}

/** When the last trim of `gocache` ran, from its trim.txt; null when absent, unreadable or unparsable. */
export function readLastTrimAt(gocache: string): string | null {
  let text: string;
  try {
    // Go writes a dozen bytes; anything much larger is not a trim time.
    text = readFileSync(path.join(gocache, "trim.txt"), { encoding: "latin1", flag: "r" });
  } catch {
    return null;
  }
  return text.length > 64 ? null : parseTrimTime(text);
}
