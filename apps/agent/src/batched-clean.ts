// A clean of a very large GOCACHE that does not stall the Mac: removes what `go clean -cache`
// removes (the [0-9a-f][0-9a-f] bucket folders and log.txt; cmd/go/internal/clean) but file by
// file in bounded batches with a pause after each, at the lowest CPU priority, with progress. A
// single `go clean -cache` of 1.25M files took 20 minutes on a Mac with fseventsd logging every
// deletion (golang/go#38939); pausing between batches lets fseventsd and anything watching it keep up.
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Tally } from "@cachefleet/contract";

export interface BatchedCleanOptions {
  log: (line: string) => void;
  /** Stops between batches; what was removed stays removed (it is only a cache). */
  signal?: AbortSignal;
  /** Files removed between pauses. */
  batchSize?: number;
  /** The pause after each batch, in ms. */
  pauseMs?: number;
  /** How often (in files) a progress line is logged. */
  progressEvery?: number;
}

const BUCKET = /^[0-9a-f]{2}$/;

/** Removes every bucket folder under `gocache` and log.txt, as `go clean -cache` does; returns what was removed. */
export async function cleanCacheInBatches(gocache: string, options: BatchedCleanOptions): Promise<Tally> {
  const batchSize = options.batchSize ?? 2000;
  const pauseMs = options.pauseMs ?? 5;
  const progressEvery = options.progressEvery ?? 20_000;
  const removed: Tally = { count: 0, bytes: 0 };
  let inBatch = 0;
  const buckets = fs.readdirSync(gocache, { withFileTypes: true }).filter((d) => BUCKET.test(d.name) && d.isDirectory() && !d.isSymbolicLink());
  options.log(`removing ${buckets.length} bucket folders in batches of ${batchSize} files`);

  const pace = async (): Promise<void> => {
    if (++inBatch < batchSize) return;
    inBatch = 0;
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("Stopped.");
    await sleep(pauseMs);
  };

  /** Removes a folder's contents, then the folder; never follows a symbolic link (it removes the link). */
  const removeTree = async (folder: string): Promise<void> => {
    for (const child of await fs.promises.readdir(folder, { withFileTypes: true })) {
      const file = path.join(folder, child.name);
      if (child.isDirectory()) {
        await removeTree(file);
        continue;
      }
      const st = await fs.promises.lstat(file);
      await fs.promises.unlink(file);
      removed.count++;
      if (st.isFile()) removed.bytes += st.size;
      if (removed.count % progressEvery === 0) options.log(`${removed.count} files removed, ${removed.bytes} bytes`);
      await pace();
    }
    await fs.promises.rmdir(folder);
  };

  for (const bucket of buckets) await removeTree(path.join(gocache, bucket.name));
  await fs.promises.rm(path.join(gocache, "log.txt"), { force: true });
  options.log(`cleaned: ${removed.count} files removed, ${removed.bytes} bytes freed`);
  return removed;
}
