// Scan workers: threads that walk a GOCACHE's top-level folders for scanCacheIncremental. A
// worker runs this module's own file (dist/scan-workers.js, or the bundle that inlined it) and
// does its whole job while the module is evaluated, then ends its thread: when that file is a
// whole program (the agent's cli.js), nothing after this module ever runs in a worker.
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createWalker } from "./walk.js";
import type { Folder, RecordSet, Totals } from "./walk.js";

/** One scan's share of work, the same for every worker of that scan. */
export interface ScanJob {
  /** Top-level folders; each worker claims the next unclaimed one through `next`. */
  folders: Folder[];
  next: Int32Array;
  sampleBytes: number;
  /** On shared memory: every worker reads the one copy. */
  previous: RecordSet | null;
  trustBefore: number;
  trimCutoffMs: number;
}

export interface JobResult {
  totals: Totals;
  records: RecordSet;
}

const WORKER_FLAG = "cachefleetGocacheScanWorker";

interface WorkerData {
  [WORKER_FLAG]: true;
  job: ScanJob;
}

function isWorkerData(data: unknown): data is WorkerData {
  return typeof data === "object" && data !== null && WORKER_FLAG in data && data[WORKER_FLAG] === true && "job" in data;
}

function isJobResult(message: unknown): message is JobResult {
  return typeof message === "object" && message !== null && "totals" in message && "records" in message;
}

/**
 * Whether this thread is a scan worker. A scan worker starts the file this module is in; when
 * that is a bundle, the modules evaluated before this one (top-level code of modules the entry
 * imports ahead of @cachefleet/gocache) run in each worker too, so keep such code free of side
 * effects, or return early when this is true.
 */
export function isScanWorker(): boolean {
  return !isMainThread && isWorkerData(workerData);
}

// ---- the worker side ----------------------------------------------------------------------------

function runJob(job: ScanJob): JobResult {
  const walker = createWalker({ sampleBytes: job.sampleBytes, previous: job.previous, trustBefore: job.trustBefore, trimCutoffMs: job.trimCutoffMs });
  for (;;) {
    const folder = job.folders[Atomics.add(job.next, 0, 1)];
    if (folder === undefined) break;
    // Buffers arrive as plain Uint8Arrays.
    const { path } = folder;
    walker.walk({ ...folder, path: typeof path === "string" ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength) });
  }
  return { totals: walker.totals, records: walker.records() };
}

function runAndExit(port: NonNullable<typeof parentPort>, job: ScanJob): never {
  const result = runJob(job);
  const { buffer } = result.records.records;
  port.postMessage(result, buffer instanceof ArrayBuffer ? [buffer] : []); // moved, not copied
  // The message is still delivered. Ending the thread here, rather than returning, keeps the rest
  // of a bundle (the program's own main) from running in it.
  process.exit(0);
}

if (!isMainThread && parentPort !== null && isWorkerData(workerData)) runAndExit(parentPort, workerData.job);

// ---- the calling side ---------------------------------------------------------------------------

/** This module's file, when Node can start it as a worker (compiled JavaScript, not TypeScript). */
function workerEntry(): URL | null {
  const url = typeof import.meta.url === "string" ? import.meta.url : "";
  if (!url.startsWith("file:")) return null;
  return /\.[cm]?js$/.test(fileURLToPath(url)) ? new URL(url) : null;
}

/** Runs `job` on one new worker: its result, or null when it failed. */
function runOnWorker(entry: URL, job: ScanJob): Promise<JobResult | null> {
  return new Promise((resolve) => {
    let result: JobResult | null = null;
    const data: WorkerData = { [WORKER_FLAG]: true, job };
    try {
      new Worker(entry, {
        workerData: data,
        // Nothing the caller's Node was started with is needed, or wanted (--inspect, loaders).
        execArgv: [],
        // The garbage is many small short-lived objects; a small nursery saves ~12 MB per worker.
        resourceLimits: { maxYoungGenerationSizeMb: 4 },
      })
        .on("message", (message: unknown) => {
          if (isJobResult(message)) result = message;
        })
        .on("error", () => {
          result = null;
        })
        // Messages posted before the thread ended are delivered before "exit".
        .on("exit", (code) => resolve(code === 0 ? result : null));
    } catch {
      resolve(null);
    }
  });
}

/**
 * Runs `job` on `count` new workers and returns each one's result; null when any of them failed
 * (or workers cannot run here), in which case the caller scans by itself.
 */
export async function runOnWorkers(count: number, job: ScanJob): Promise<JobResult[] | null> {
  const entry = workerEntry();
  if (entry === null) return null;
  const results = await Promise.all(Array.from({ length: count }, () => runOnWorker(entry, job)));
  const done = results.filter((r): r is JobResult => r !== null);
  return done.length === count ? done : null;
}
