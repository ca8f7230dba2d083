// The synchronous reader: walks a GOCACHE directory in the calling thread and classifies every
// entry from a small prefix. scan-incremental.ts is the multi-threaded, incremental variant.
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { ScanSummary } from "@cachefleet/contract";
import { readLastTrimAt, trimCutoffMs } from "./trim.js";
import { checkRoot, checkSampleBytes, createWalker, rootFolder, summarize } from "./walk.js";

export { BOOKKEEPING_FILES } from "./walk.js";

export interface ScanOptions {
  /** How many leading bytes of each entry to read (default and maximum 4096). */
  sampleBytes?: number;
  /** The wall clock in ms: the scan's time, from which Go's trim cutoff is taken. Default: Date.now. */
  now?: () => number;
}

/**
 * Scans a GOCACHE directory: every regular file at any depth (except the top-level bookkeeping
 * files) is an entry, classified from its first `sampleBytes` bytes. Symbolic links are never
 * followed and FIFOs, sockets and devices are never opened; both are counted as skipped, as are
 * files and folders that cannot be read. The GOCACHE path itself may be a symbolic link.
 */
export function scanCache(gocache: string, options: ScanOptions = {}): ScanSummary {
  const started = performance.now();
  const sampleBytes = checkSampleBytes(options.sampleBytes);
  const root = path.resolve(gocache);
  checkRoot(root);
  const cutoffMs = trimCutoffMs((options.now ?? Date.now)());
  const walker = createWalker({ sampleBytes, previous: null, trustBefore: null, trimCutoffMs: cutoffMs });
  walker.walk(rootFolder(root));
  return summarize(root, walker.totals, performance.now() - started, { lastTrimAt: readLastTrimAt(root) });
}
