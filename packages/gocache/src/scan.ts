// The one reader: walks a GOCACHE directory and classifies every entry from a small prefix.
import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import type { Dirent } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { EntryFormat, ScanSummary, Tally } from "@cachefleet/contract";
import { DEFAULT_SAMPLE_BYTES, cacheVerdict, classifyEntry } from "./classify.js";

export interface ScanOptions {
  /** How many leading bytes of each entry to read (default and maximum 4096). */
  sampleBytes?: number;
}

/** Top-level files Go keeps for its own bookkeeping; they are not cache entries. */
export const BOOKKEEPING_FILES: readonly string[] = ["README", "trim.txt", "testexpire.txt"];

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
const SLASH = Buffer.from(path.sep);
const BOOKKEEPING = BOOKKEEPING_FILES.map((name) => Buffer.from(name));

// Modification times outside years 0000-9999 have no plain ISO 8601 form; they are left out of
// oldestEntryAt/newestEntryAt.
const EARLIEST_MS = new Date("0000-01-01T00:00:00.000Z").getTime();
const LATEST_MS = new Date("9999-12-31T23:59:59.999Z").getTime();

function emptyTally(): Tally {
  return { count: 0, bytes: 0 };
}

function add(tally: Tally, bytes: number): void {
  tally.count += 1;
  tally.bytes += bytes;
}

function errorCode(err: unknown): string | undefined {
  if (err instanceof Error && "code" in err && typeof err.code === "string") return err.code;
  return undefined;
}

function checkRoot(gocache: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(gocache).isDirectory();
  } catch (err) {
    const code = errorCode(err);
    if (code === "ENOENT") throw new Error(`GOCACHE ${gocache} does not exist`);
    if (code === "ENOTDIR") throw new Error(`GOCACHE ${gocache} is not a directory`);
    throw new Error(`GOCACHE ${gocache} cannot be inspected: ${code ?? String(err)}`);
  }
  if (!isDir) throw new Error(`GOCACHE ${gocache} is not a directory`);
}

/**
 * Scans a GOCACHE directory: every regular file at any depth (except the top-level bookkeeping
 * files) is an entry, classified from its first `sampleBytes` bytes. Symbolic links are never
 * followed and FIFOs, sockets and devices are never opened; both are counted as skipped, as are
 * files and folders that cannot be read. The GOCACHE path itself may be a symbolic link.
 */
export function scanCache(gocache: string, options: ScanOptions = {}): ScanSummary {
  const started = performance.now();
  const sampleBytes = options.sampleBytes ?? DEFAULT_SAMPLE_BYTES;
  if (!Number.isInteger(sampleBytes) || sampleBytes < 1 || sampleBytes > DEFAULT_SAMPLE_BYTES) {
    throw new RangeError(`sampleBytes must be an integer from 1 to ${DEFAULT_SAMPLE_BYTES}, got ${sampleBytes}`);
  }
  const root = path.resolve(gocache);
  checkRoot(root);

  const entries = emptyTally();
  const classes: ScanSummary["classes"] = {
    plaintext: emptyTally(),
    encrypted: emptyTally(),
    unknown: emptyTally(),
  };
  const formats = new Map<EntryFormat, Tally>();
  const skipped = { symlinks: 0, unreadable: 0, other: 0 };
  let oldestMs = Infinity;
  let newestMs = -Infinity;
  const buffer = Buffer.alloc(DEFAULT_SAMPLE_BYTES);

  // Paths are kept as raw bytes so names that are not valid UTF-8 still open.
  const rootBytes = Buffer.from(root);
  const pending: Array<{ dir: Buffer; depth: number }> = [{ dir: rootBytes, depth: 0 }];

  const readEntry = (file: Buffer, name: Buffer): void => {
    let fd: number;
    try {
      fd = openSync(file, OPEN_FLAGS);
    } catch (err) {
      // ELOOP: it became a symbolic link after readdir; never follow it.
      if (errorCode(err) === "ELOOP") skipped.symlinks++;
      else skipped.unreadable++;
      return;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) {
        // Swapped for a FIFO, device or folder after readdir; O_NONBLOCK kept the open from hanging.
        skipped.other++;
        return;
      }
      let got = 0;
      while (got < sampleBytes) {
        const n = readSync(fd, buffer, got, sampleBytes - got, got);
        if (n === 0) break;
        got += n;
      }
      const sample = buffer.subarray(0, got);
      const truncated = st.size > got;
      const { class: cls, format } = classifyEntry(name.toString("utf8"), sample, truncated);
      const size = st.size;
      add(entries, size);
      add(classes[cls], size);
      let tally = formats.get(format);
      if (tally === undefined) {
        tally = emptyTally();
        formats.set(format, tally);
      }
      add(tally, size);
      const mtime = st.mtimeMs;
      if (Number.isFinite(mtime) && mtime >= EARLIEST_MS && mtime <= LATEST_MS) {
        if (mtime < oldestMs) oldestMs = mtime;
        if (mtime > newestMs) newestMs = mtime;
      }
    } catch {
      skipped.unreadable++;
    } finally {
      closeSync(fd);
    }
  };

  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { dir, depth } = next;
    let children: Dirent<Buffer>[];
    try {
      children = readdirSync(dir, { withFileTypes: true, encoding: "buffer" });
    } catch {
      skipped.unreadable++;
      continue;
    }
    for (const child of children) {
      const full = Buffer.concat([dir, SLASH, child.name]);
      if (child.isSymbolicLink()) {
        skipped.symlinks++;
      } else if (child.isDirectory()) {
        pending.push({ dir: full, depth: depth + 1 });
      } else if (child.isFile()) {
        if (depth === 0 && BOOKKEEPING.some((b) => b.equals(child.name))) continue;
        readEntry(full, child.name);
      } else {
        skipped.other++;
      }
    }
  }

  const formatRecord: ScanSummary["formats"] = {};
  for (const [format, tally] of formats) formatRecord[format] = tally;

  return {
    gocache: root,
    entries,
    classes,
    formats: formatRecord,
    skipped,
    verdict: cacheVerdict(classes),
    oldestEntryAt: Number.isFinite(oldestMs) ? new Date(oldestMs).toISOString() : null,
    newestEntryAt: Number.isFinite(newestMs) ? new Date(newestMs).toISOString() : null,
    durationMs: performance.now() - started,
  };
}
