// The fast reader: scans a GOCACHE on worker threads and, given the state a previous scan
// returned, opens only the entries that changed since. The result is always what scanCache gives.
import { availableParallelism } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { ScanSummary } from "@cachefleet/contract";
import type { ScanOptions } from "./scan.js";
import { runOnWorkers } from "./scan-workers.js";
import { readLastTrimAt, trimCutoffMs } from "./trim.js";
import { addTotals, checkRoot, checkSampleBytes, createWalker, packRecords, rootFolder, summarize, unpackRecords } from "./walk.js";

/** Bump when the state's layout or the classification rules change: older states are ignored. */
export const SCAN_STATE_VERSION = 3;

/**
 * Entries whose ctime is this close to (or after) the start of the scan that saw them are not
 * trusted next time: a second change within the same timestamp tick would leave ctime unchanged.
 * 2 s covers the coarsest common clocks (FAT 2 s, HFS+ 1 s; APFS and ext4 are far finer).
 */
export const TRUST_MARGIN_MS = 2_000;

/**
 * What a scan leaves for the next one; JSON-serialisable, meant to be saved in a file (about
 * 11 bytes per entry). No entry names or contents are kept: for each entry, only a fingerprint of
 * its name, inode, size, mtime and ctime, with the class and format it was given.
 */
export interface ScanState {
  kind: "cachefleet-gocache-scan-state";
  version: number;
  gocache: string;
  sampleBytes: number;
  scannedAt: string;
  /** Each folder (its path below GOCACHE, "" for GOCACHE itself) and how many records it has. */
  folders: Array<[string, number]>;
  /** Base64 of little-endian float64s, folder after folder: fingerprint × 64 + class-and-format. */
  records: string;
}

export interface IncrementalScanOptions extends ScanOptions {
  /** Worker threads to scan with (about 15 MB each); 0 scans in the calling thread. Default: os.availableParallelism(). */
  threads?: number;
}

export interface IncrementalScan {
  summary: ScanSummary;
  /** Hand this to the next scanCacheIncremental call (after a JSON round trip if you like). */
  state: ScanState;
  stats: {
    /** Worker threads that scanned; 0 when the calling thread did (see scanCacheIncremental). */
    workers: number;
    /** Entries opened and classified. */
    entriesRead: number;
    /** Entries counted from the previous state: unchanged fingerprint, not opened. */
    entriesReused: number;
  };
}

/** `value` as a ScanState when it is one of this version (for example, parsed from a file); else null. */
export function parseScanState(value: unknown): ScanState | null {
  if (typeof value !== "object" || value === null) return null;
  const v: Record<string, unknown> = { ...value };
  if (v.kind !== "cachefleet-gocache-scan-state" || v.version !== SCAN_STATE_VERSION) return null;
  const { gocache, sampleBytes, scannedAt, folders, records } = v;
  if (typeof gocache !== "string" || typeof scannedAt !== "string" || typeof records !== "string") return null;
  if (typeof sampleBytes !== "number" || !Number.isInteger(sampleBytes)) return null;
  if (!Array.isArray(folders)) return null;
  const checked: Array<[string, number]> = [];
  for (const folder of folders) {
    if (!Array.isArray(folder) || folder.length !== 2) return null;
    const [key, count]: unknown[] = folder;
    if (typeof key !== "string" || typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) return null;
    checked.push([key, count]);
  }
  return { kind: "cachefleet-gocache-scan-state", version: SCAN_STATE_VERSION, gocache, sampleBytes, scannedAt, folders: checked, records };
}

/**
 * Scans a GOCACHE like scanCache, with the same exact result, but on worker threads and reusing
 * `previous` (the state an earlier call returned, or null for a full scan): an entry whose
 * fingerprint (name, inode, size, mtime, ctime: one lstat, no open) is unchanged keeps last time's
 * classification; every other entry is read. A state for another GOCACHE, version or sampleBytes
 * is ignored. Folder mtimes are not trusted: cmd/go rewrites action entries in place and re-marks
 * entries it uses by moving their mtimes, neither of which touches the folder.
 *
 * The calling thread lists GOCACHE itself and then waits, its event loop free, while the workers
 * take the folders below. Workers start scan-workers' compiled file; where that is impossible
 * (running as TypeScript source, as under Vitest), with `threads: 0`, or when a worker fails, the
 * calling thread scans everything itself, synchronously, with the same result. `stats.workers`
 * says which happened.
 */
export async function scanCacheIncremental(
  gocache: string,
  previous: ScanState | null,
  options: IncrementalScanOptions = {},
): Promise<IncrementalScan> {
  const started = performance.now();
  const sampleBytes = checkSampleBytes(options.sampleBytes);
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`threads must be a whole number, got ${threads}`);
  const root = path.resolve(gocache);
  checkRoot(root);
  const scannedAt = (options.now ?? Date.now)();
  const trustBefore = scannedAt - TRUST_MARGIN_MS;
  const cutoffMs = trimCutoffMs(scannedAt);

  const prior = previous === null ? null : parseScanState(previous);
  const usable = prior !== null && prior.gocache === root && prior.sampleBytes === sampleBytes ? prior : null;
  const previousRecords = usable === null ? null : unpackRecords(usable);

  // The calling thread reads GOCACHE itself (bookkeeping files, usually nothing else); workers
  // take the folders below it, each claiming whole top-level folders (the 256 buckets) in turn.
  const walker = createWalker({ sampleBytes, previous: previousRecords, trustBefore, trimCutoffMs: cutoffMs });
  const folders = walker.visit(rootFolder(root));
  const count = Math.min(threads, folders.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const results = count > 0 ? await runOnWorkers(count, { folders, next, sampleBytes, previous: previousRecords, trustBefore, trimCutoffMs: cutoffMs }) : null;

  if (results === null) for (const folder of folders) walker.walk(folder);
  const totals = walker.totals;
  const records = [walker.records()];
  for (const result of results ?? []) {
    addTotals(totals, result.totals);
    records.push(result.records);
  }

  return {
    summary: summarize(root, totals, performance.now() - started, { lastTrimAt: readLastTrimAt(root) }),
    state: {
      kind: "cachefleet-gocache-scan-state",
      version: SCAN_STATE_VERSION,
      gocache: root,
      sampleBytes,
      scannedAt: new Date(scannedAt).toISOString(),
      ...packRecords(records),
    },
    stats: { workers: results?.length ?? 0, entriesRead: totals.read, entriesReused: totals.reused },
  };
}
