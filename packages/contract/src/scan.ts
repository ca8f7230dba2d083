// The shape of one GOCACHE scan: what the agent measured and the dashboard stores.
import { z } from "zod";
import { maxStoredCount } from "./storable.js";

export const entryClasses = ["plaintext", "encrypted", "unknown"] as const;
export const EntryClass = z.enum(entryClasses);
export type EntryClass = z.infer<typeof EntryClass>;

export const entryFormats = [
  "action",
  "archive",
  "elf",
  "macho",
  "goindex",
  "goobject",
  "text",
  "binary",
  "sealed",
  "empty",
  "other",
  // Sealed by Cachefleet's cache helper: recognised by its header, not guessed from its bytes.
  "cachefleet",
] as const;
export const EntryFormat = z.enum(entryFormats);
export type EntryFormat = z.infer<typeof EntryFormat>;

export const CacheVerdict = z.enum(["plaintext", "encrypted", "mixed", "empty"]);
export type CacheVerdict = z.infer<typeof CacheVerdict>;

export const Tally = z.object({
  count: z.number().int().nonnegative().max(maxStoredCount),
  bytes: z.number().int().nonnegative(),
});
export type Tally = z.infer<typeof Tally>;

/**
 * What Go's own trim (cmd/go/internal/cache, trimSubdir) would do next: `lastTrimAt` is the time
 * in trim.txt (null when absent or unreadable); `unused` counts the `*-a` / `*-d` entries in the
 * bucket folders whose mtime is before the scan's time minus 5 days and 1 hour, with the bytes
 * of the regular files among them.
 */
export const TrimFacts = z.object({
  lastTrimAt: z.iso.datetime().nullable(),
  unused: Tally,
});
export type TrimFacts = z.infer<typeof TrimFacts>;

export const ScanSummary = z.object({
  gocache: z.string().min(1).max(4096),
  entries: Tally,
  classes: z.object({
    plaintext: Tally,
    encrypted: Tally,
    unknown: Tally,
  }),
  formats: z.partialRecord(EntryFormat, Tally),
  skipped: z.object({
    symlinks: z.number().int().nonnegative().max(maxStoredCount),
    unreadable: z.number().int().nonnegative().max(maxStoredCount),
    other: z.number().int().nonnegative().max(maxStoredCount),
  }),
  verdict: CacheVerdict,
  /** Modification times of the oldest and newest entry, ISO 8601; null for an empty cache. */
  oldestEntryAt: z.iso.datetime().nullable(),
  newestEntryAt: z.iso.datetime().nullable(),
  durationMs: z.number().nonnegative(),
  /** Every scan carries it; absent only in reports of agents from before trim facts. */
  trim: TrimFacts.optional(),
});
export type ScanSummary = z.infer<typeof ScanSummary>;
