// The trim remediation: deletes exactly the entries Go's own trim would (cmd/go/internal/cache,
// trimSubdir) — `*-a` / `*-d` directly in the 256 bucket folders, unused for more than N ≥ 5 days
// and the hour of mtime imprecision — in bounded batches at low priority, with progress. No
// process is started: the agent's own file-system calls on the GOCACHE path it found itself.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Tally } from "@cachefleet/contract";
import { MIN_TRIM_DAYS, isTrimmableName, trimCutoffMs } from "@cachefleet/gocache";

export interface TrimCacheOptions {
  olderThanDays: number;
  now: Date;
  log: (line: string) => void;
  /** Stops between batches. */
  signal?: AbortSignal;
  /** Entries deleted between pauses; bounds how much work fseventsd (and anything watching it) gets at once. */
  batchSize?: number;
  /** The pause after each batch, in ms. */
  pauseMs?: number;
}

export interface TrimOutcome {
  removed: Tally;
  /** Entries that could not be removed (for example, permissions); left in place. */
  failed: number;
}

/** Go's bucket names, in Go's order: fmt.Sprintf("%02x", i) for i in 0..255. */
export const bucketNames: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Runs `work` with this thread at the lowest CPU priority (nice 19), restoring the old priority
 * after; where the priority cannot be changed, runs it as is.
 */
export async function atLowPriority<T>(work: () => Promise<T>): Promise<T> {
  let previous: number | null = null;
  try {
    previous = os.getPriority();
    os.setPriority(os.constants.priority.PRIORITY_LOW);
  } catch {
    previous = null;
  }
  try {
    return await work();
  } finally {
    if (previous !== null) {
      try {
        os.setPriority(previous);
      } catch {
        // Raising priority back needs privileges on some systems; the agent stays nice, which is harmless.
      }
    }
  }
}

/**
 * Deletes the entries Go's trim calls unused at `now` (older than `olderThanDays`, at least Go's
 * 5). A trim at Go's own 5 days is the trim Go would have run, so trim.txt then records it, as Go
 * does, and Go's next trim waits a day. Symbolic links are never followed or removed.
 */
export async function trimCache(gocache: string, options: TrimCacheOptions): Promise<TrimOutcome> {
  const cutoff = trimCutoffMs(options.now.getTime(), options.olderThanDays);
  const batchSize = options.batchSize ?? 1000;
  const pauseMs = options.pauseMs ?? 10;
  const removed: Tally = { count: 0, bytes: 0 };
  let failed = 0;
  let inBatch = 0;
  options.log(`removing entries unused since ${new Date(cutoff).toISOString()} (${options.olderThanDays} days and 1 hour)`);
  for (const [index, bucket] of bucketNames.entries()) {
    const folder = path.join(gocache, bucket);
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue; // Go skips a bucket it cannot open, too.
    }
    for (const name of names) {
      if (!isTrimmableName(name)) continue;
      const entry = path.join(folder, name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(entry);
      } catch {
        continue;
      }
      if (st.isSymbolicLink() || st.mtimeMs >= cutoff) continue;
      try {
        if (st.isDirectory()) await fs.promises.rm(entry, { recursive: true });
        else await fs.promises.unlink(entry);
        removed.count++;
        if (st.isFile()) removed.bytes += st.size;
      } catch (error) {
        failed++;
        if (failed <= 5) options.log(`could not remove ${entry}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (++inBatch >= batchSize) {
        inBatch = 0;
        if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("Stopped.");
        await sleep(pauseMs);
      }
    }
    if (index % 32 === 31) options.log(`${bucket}/ff: ${removed.count} entries removed, ${removed.bytes} bytes freed`);
  }
  if (options.olderThanDays === MIN_TRIM_DAYS) writeTrimTime(gocache, options.now);
  options.log(`trimmed ${removed.count} entries, ${removed.bytes} bytes freed${failed > 0 ? `; ${failed} could not be removed` : ""}`);
  return { removed, failed };
}

/** Records the trim in trim.txt the way Go does (the unix time, "%d"), replacing the file atomically. */
function writeTrimTime(gocache: string, now: Date): void {
  const file = path.join(gocache, "trim.txt");
  const temporary = `${file}.cachefleet-${process.pid}`;
  fs.writeFileSync(temporary, String(Math.floor(now.getTime() / 1000)), { mode: 0o666 & ~process.umask() });
  fs.renameSync(temporary, file);
}
