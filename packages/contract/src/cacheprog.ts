// The encrypted cache helper's figures and on-disk names that more than one package reads: the
// stats file the helper keeps per GOCACHE (reports carry it) and the sealed entries' header (the
// cache scan recognises it).
import { z } from "zod";

const count = z.number().int().nonnegative();

/**
 * The helper's running totals for one GOCACHE, summed over every go command since `since`. The
 * helper writes them atomically at each go command's end; `busyMs` is the time spent answering
 * requests (summed over parallel requests, so it can exceed wall time).
 */
export const CacheProgStats = z.object({
  version: z.literal(1),
  gets: count,
  hits: count,
  misses: count,
  puts: count,
  bytesServed: count,
  bytesWritten: count,
  busyMs: z.number().nonnegative(),
  since: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type CacheProgStats = z.infer<typeof CacheProgStats>;

/** Top-level files the helper keeps in GOCACHE beside Go's own bookkeeping. */
export const cacheProgStatsFile = "cachefleet-stats.json";
export const cacheProgStatsLock = "cachefleet-stats.lock";
/** The folder in GOCACHE where entries are written before they are renamed into their bucket. */
export const cacheProgTempFolder = "cachefleet-tmp";

/**
 * A sealed entry starts with these 8 bytes, then a format version byte (1), a kind byte ('a' for
 * an action entry, 'd' for output data), a 4-byte key id, a 12-byte nonce and the AES-GCM
 * ciphertext with its 16-byte tag.
 */
export const sealedEntryMagic = "CFLTSEAL";
export const sealedEntryVersion = 1;
