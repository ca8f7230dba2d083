// The folder walker every scan shares, in the calling thread or in a scan worker: lists folders,
// classifies each entry from a small prefix, keeps running totals, and (for incremental scans)
// reuses or records each entry's classification keyed by a fingerprint of its name and stat.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import type { Dirent, Stats } from "node:fs";
import path from "node:path";
import { cacheProgStatsFile, cacheProgStatsLock, type EntryClass, type EntryFormat, type ScanSummary, type Tally } from "@cachefleet/contract";
import { DEFAULT_SAMPLE_BYTES, cacheVerdict, classifyEntry } from "./classify.js";
import { TRIM_BUCKET, isTrimmableName } from "./trim.js";

/** Top-level files Go and Cachefleet's cache helper keep for their bookkeeping; they are not cache entries. */
export const BOOKKEEPING_FILES: readonly string[] = ["README", "trim.txt", "testexpire.txt", cacheProgStatsFile, cacheProgStatsLock];

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
const SEP = path.sep;
const SEP_BYTES = Buffer.from(path.sep);

// Modification times outside years 0000-9999 have no plain ISO 8601 form; they are left out of
// oldestEntryAt/newestEntryAt.
const EARLIEST_MS = new Date("0000-01-01T00:00:00.000Z").getTime();
const LATEST_MS = new Date("9999-12-31T23:59:59.999Z").getTime();

// An entry's class and format travel as one small number, its "kind": class index × 16 + format
// index. The lists are in the contract's order, which is also the order of ScanSummary.formats.
const CLASSES = ["plaintext", "encrypted", "unknown"] as const satisfies readonly EntryClass[];
const FORMATS = [
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
  "cachefleet",
] as const satisfies readonly EntryFormat[];
type Unlisted = Exclude<EntryClass, (typeof CLASSES)[number]> | Exclude<EntryFormat, (typeof FORMATS)[number]>;
// Fails to compile when the contract gains a class or format these lists do not name.
const _everyKindListed: [Unlisted] extends [never] ? true : never = true;

const KIND_SLOTS = CLASSES.length * 16;
const KIND_BITS = 64; // a record is fingerprint × 64 + kind

function kindOf(cls: EntryClass, format: EntryFormat): number {
  return CLASSES.indexOf(cls) * 16 + FORMATS.indexOf(format);
}

function isKind(kind: number): boolean {
  return Math.floor(kind / 16) < CLASSES.length && kind % 16 < FORMATS.length;
}

/** Running totals of a scan, or of one thread's share of it; plain data, so workers can post it. */
export interface Totals {
  /** Count and bytes per kind: index 2·kind holds the count, 2·kind + 1 the bytes. */
  kinds: Float64Array;
  symlinks: number;
  unreadable: number;
  other: number;
  oldestMs: number;
  newestMs: number;
  /** Entries opened and classified. */
  read: number;
  /** Entries whose classification was reused from the previous scan's state. */
  reused: number;
  /** Entries Go's next trim would delete (see trim.ts), and the bytes of the regular files among them. */
  unusedCount: number;
  unusedBytes: number;
}

function emptyTotals(): Totals {
  return {
    kinds: new Float64Array(KIND_SLOTS * 2),
    symlinks: 0,
    unreadable: 0,
    other: 0,
    oldestMs: Infinity,
    newestMs: -Infinity,
    read: 0,
    reused: 0,
    unusedCount: 0,
    unusedBytes: 0,
  };
}

export function addTotals(into: Totals, from: Totals): void {
  for (let i = 0; i < into.kinds.length; i++) into.kinds[i] = (into.kinds[i] ?? 0) + (from.kinds[i] ?? 0);
  into.symlinks += from.symlinks;
  into.unreadable += from.unreadable;
  into.other += from.other;
  into.oldestMs = Math.min(into.oldestMs, from.oldestMs);
  into.newestMs = Math.max(into.newestMs, from.newestMs);
  into.read += from.read;
  into.reused += from.reused;
  into.unusedCount += from.unusedCount;
  into.unusedBytes += from.unusedBytes;
}

/** What summarize needs besides the totals to state the trim facts: trim.txt's time. */
export interface TrimInputs {
  lastTrimAt: string | null;
}

export function summarize(gocache: string, totals: Totals, durationMs: number, trim: TrimInputs): ScanSummary {
  const tally = (): Tally => ({ count: 0, bytes: 0 });
  const entries = tally();
  const classes: ScanSummary["classes"] = { plaintext: tally(), encrypted: tally(), unknown: tally() };
  const byFormat = FORMATS.map(tally);
  for (let kind = 0; kind < KIND_SLOTS; kind++) {
    const count = totals.kinds[2 * kind] ?? 0;
    if (count === 0) continue;
    const bytes = totals.kinds[2 * kind + 1] ?? 0;
    for (const t of [entries, classes[CLASSES[Math.floor(kind / 16)] ?? "unknown"], byFormat[kind % 16] ?? tally()]) {
      t.count += count;
      t.bytes += bytes;
    }
  }
  const formats: ScanSummary["formats"] = {};
  FORMATS.forEach((format, i) => {
    const t = byFormat[i];
    if (t !== undefined && t.count > 0) formats[format] = t;
  });
  return {
    gocache,
    entries,
    classes,
    formats,
    skipped: { symlinks: totals.symlinks, unreadable: totals.unreadable, other: totals.other },
    verdict: cacheVerdict(classes),
    oldestEntryAt: Number.isFinite(totals.oldestMs) ? new Date(totals.oldestMs).toISOString() : null,
    newestEntryAt: Number.isFinite(totals.newestMs) ? new Date(totals.newestMs).toISOString() : null,
    durationMs,
    trim: {
      lastTrimAt: trim.lastTrimAt,
      unused: { count: totals.unusedCount, bytes: totals.unusedBytes },
    },
  };
}

function errorCode(err: unknown): string | undefined {
  if (err instanceof Error && "code" in err && typeof err.code === "string") return err.code;
  return undefined;
}

/** Throws a plain-language error unless `gocache` (already absolute) is a readable folder path. */
export function checkRoot(gocache: string): void {
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

export function checkSampleBytes(sampleBytes: number | undefined): number {
  const n = sampleBytes ?? DEFAULT_SAMPLE_BYTES;
  if (!Number.isInteger(n) || n < 1 || n > DEFAULT_SAMPLE_BYTES) {
    throw new RangeError(`sampleBytes must be an integer from 1 to ${DEFAULT_SAMPLE_BYTES}, got ${n}`);
  }
  return n;
}

/**
 * A folder to visit. Paths are strings while every name on the way is valid UTF-8 (the fast case);
 * below a folder holding a name that is not, they are raw bytes so such names still open.
 */
export interface Folder {
  path: string | Buffer;
  /** Names the folder in ScanState: its path below GOCACHE, or "\0" + its raw absolute path. */
  key: string;
  depth: number;
}

export function rootFolder(gocache: string): Folder {
  return { path: gocache, key: "", depth: 0 };
}

// Fingerprint: 47 bits of two 32-bit hashes over the entry's name, inode, size, mtime and ctime.
// Any write, truncate, chmod, rename or touch moves ctime, so an unchanged fingerprint means the
// classification from last time still holds.
const statWords = new Float64Array(4);
const statWordsU32 = new Uint32Array(statWords.buffer);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function fingerprint(name: string, st: Stats): number {
  statWords[0] = st.ino;
  statWords[1] = st.size;
  statWords[2] = st.mtimeMs;
  statWords[3] = st.ctimeMs;
  let h1 = 0x811c9dc5 ^ name.length;
  let h2 = 0x9747b28c;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  for (let i = 0; i < statWordsU32.length; i++) {
    const w = statWordsU32[i] ?? 0;
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ w, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return fmix32(h1) * 2 ** 15 + (fmix32(h2 ^ h1) >>> 17);
}

/**
 * Records: one float64 per entry (fingerprint × 64 + kind), grouped by folder. Between scans they
 * travel as one base64 string of little-endian float64s plus the folders' keys and record counts.
 */
export interface RecordSet {
  /** Folder key, and where its records start and end in `records`. */
  folders: Array<[key: string, start: number, end: number]>;
  records: Float64Array;
}

/** RecordSet as ScanState keeps it: one string (a single large allocation, not hundreds). */
export interface PackedRecords {
  folders: Array<[key: string, count: number]>;
  records: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Decodes packed records into one array on shared memory, which every worker reads; null when damaged. */
export function unpackRecords(packed: PackedRecords): RecordSet | null {
  const total = packed.folders.reduce((n, [, count]) => n + count, 0);
  // Checked before allocating: a damaged count must not ask for gigabytes.
  if (Buffer.byteLength(packed.records, "base64") !== total * 8) return null;
  const bytes = Buffer.from(new SharedArrayBuffer(total * 8));
  if (bytes.write(packed.records, "base64") !== bytes.length) return null;
  if (!LITTLE_ENDIAN) bytes.swap64();
  const folders: RecordSet["folders"] = [];
  let at = 0;
  for (const [key, count] of packed.folders) {
    folders.push([key, at, at + count]);
    at += count;
  }
  return { folders, records: new Float64Array(bytes.buffer, 0, total) };
}

/** Packs record sets for ScanState, folders in key order so equal scans give equal JSON. */
export function packRecords(sets: readonly RecordSet[]): PackedRecords {
  const parts = sets.flatMap(({ folders, records }) => folders.map(([key, start, end]) => ({ key, records: records.subarray(start, end) })));
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const all = new Float64Array(parts.reduce((n, p) => n + p.records.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part.records, at);
    at += part.records.length;
  }
  const bytes = Buffer.from(all.buffer, all.byteOffset, all.byteLength);
  if (!LITTLE_ENDIAN) bytes.swap64();
  return { folders: parts.map((p) => [p.key, p.records.length]), records: bytes.toString("base64") };
}

/** Fingerprint → kind for one folder; records that are not well formed only cost a re-read. */
function knownEntries(records: Float64Array, range: [number, number] | undefined): Map<number, number> | undefined {
  if (range === undefined) return undefined;
  const known = new Map<number, number>();
  for (let i = range[0]; i < range[1]; i++) {
    const r = records[i] ?? -1;
    if (!Number.isSafeInteger(r) || r < 0) continue;
    const kind = r % KIND_BITS;
    if (isKind(kind)) known.set((r - kind) / KIND_BITS, kind);
  }
  return known.size > 0 ? known : undefined;
}

export interface WalkerOptions {
  sampleBytes: number;
  /** The previous scan's records; null reads every entry. */
  previous: RecordSet | null;
  /**
   * Record entries for the next scan, leaving out those whose ctime is at or after this wall-clock
   * time (ms): a change within the same timestamp tick could otherwise go unseen. null: record none.
   */
  trustBefore: number | null;
  /** Entries in bucket folders named like Go's with an mtime before this (ms) count as unused. */
  trimCutoffMs: number;
}

export interface Walker {
  /** Reads one folder's entries and returns its subfolders, unvisited. */
  visit(folder: Folder): Folder[];
  /** Visits a folder and everything below it. */
  walk(folder: Folder): void;
  readonly totals: Totals;
  /** The records kept for the next scan so far (only folders with at least one). */
  records(): RecordSet;
}

function asBytes(p: string | Buffer): Buffer {
  return typeof p === "string" ? Buffer.from(p) : p;
}

function listFolder(folder: Folder): Array<Dirent | Dirent<Buffer>> {
  if (typeof folder.path === "string") {
    const children = readdirSync(folder.path, { withFileTypes: true });
    // U+FFFD stands in for bytes that are not UTF-8: list again as bytes, which always open.
    if (!children.some((c) => c.name.includes("\uFFFD"))) return children;
    folder.path = Buffer.from(folder.path);
    folder.key = `\0${folder.path.toString("latin1")}`;
  }
  return readdirSync(folder.path, { withFileTypes: true, encoding: "buffer" });
}

function joinPath(dir: string | Buffer, name: string | Buffer): string | Buffer {
  if (typeof dir === "string" && typeof name === "string") return dir + SEP + name;
  return Buffer.concat([asBytes(dir), SEP_BYTES, asBytes(name)]);
}

function childFolder(parent: Folder, name: string | Buffer): Folder {
  const depth = parent.depth + 1;
  const full = joinPath(parent.path, name);
  if (typeof full === "string" && typeof name === "string") {
    return { path: full, key: parent.key === "" ? name : parent.key + SEP + name, depth };
  }
  return { path: full, key: `\0${asBytes(full).toString("latin1")}`, depth };
}

export function createWalker(options: WalkerOptions): Walker {
  const { sampleBytes, previous, trustBefore, trimCutoffMs } = options;
  const totals = emptyTotals();
  const kinds = totals.kinds;
  const buffer = Buffer.alloc(DEFAULT_SAMPLE_BYTES);
  const previousFolders = new Map(previous?.folders.map(([key, start, end]): [string, [number, number]] => [key, [start, end]]));
  const kept: RecordSet = { folders: [], records: new Float64Array(trustBefore === null ? 0 : 1 << 14) };
  let keptCount = 0;
  const keep = (record: number): void => {
    if (keptCount === kept.records.length) {
      const grown = new Float64Array(Math.max(1024, kept.records.length * 2));
      grown.set(kept.records);
      kept.records = grown;
    }
    kept.records[keptCount++] = record;
  };

  // Go's trim compares each entry's mtime with its cutoff (info.ModTime().Before(cutoff)); the
  // mtime is in hand from the stat every entry gets anyway, so no read is added.
  const count = (kind: number, size: number, mtimeMs: number, trimmable: boolean): void => {
    kinds[2 * kind] = (kinds[2 * kind] ?? 0) + 1;
    kinds[2 * kind + 1] = (kinds[2 * kind + 1] ?? 0) + size;
    if (trimmable && mtimeMs < trimCutoffMs) {
      totals.unusedCount++;
      totals.unusedBytes += size;
    }
    if (Number.isFinite(mtimeMs) && mtimeMs >= EARLIEST_MS && mtimeMs <= LATEST_MS) {
      if (mtimeMs < totals.oldestMs) totals.oldestMs = mtimeMs;
      if (mtimeMs > totals.newestMs) totals.newestMs = mtimeMs;
    }
  };

  /** Opens, classifies and counts one entry; returns its record, or -1 when there is none to keep. */
  const readEntry = (file: string | Buffer, name: string, trimmable: boolean): number => {
    let fd: number;
    try {
      fd = openSync(file, OPEN_FLAGS);
    } catch (err) {
      // ELOOP: it became a symbolic link after readdir; never follow it.
      if (errorCode(err) === "ELOOP") totals.symlinks++;
      else totals.unreadable++;
      return -1;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) {
        // Swapped for a FIFO, device or folder after readdir; O_NONBLOCK kept the open from hanging.
        totals.other++;
        return -1;
      }
      // The size says how much there is to read, saving the read that would only find the end;
      // a file that claims to be empty still gets one read.
      const want = st.size === 0 ? sampleBytes : Math.min(sampleBytes, st.size);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buffer, got, want - got, got);
        if (n === 0) break;
        got += n;
      }
      const { class: cls, format } = classifyEntry(name, buffer.subarray(0, got), st.size > got);
      const kind = kindOf(cls, format);
      count(kind, st.size, st.mtimeMs, trimmable);
      totals.read++;
      return trustBefore !== null && st.ctimeMs < trustBefore ? fingerprint(name, st) * KIND_BITS + kind : -1;
    } catch {
      totals.unreadable++;
      return -1;
    } finally {
      closeSync(fd);
    }
  };

  /** Counts an entry from last time's classification when its fingerprint is unchanged. */
  const reuseEntry = (file: string | Buffer, name: string, known: ReadonlyMap<number, number>, trimmable: boolean): number | null => {
    let st: Stats;
    try {
      st = lstatSync(file);
    } catch {
      return null; // gone or unreadable: readEntry counts it the way a full scan would
    }
    if (!st.isFile()) return null;
    const fp = fingerprint(name, st);
    const kind = known.get(fp);
    if (kind === undefined) return null;
    count(kind, st.size, st.mtimeMs, trimmable);
    totals.reused++;
    return trustBefore !== null && st.ctimeMs < trustBefore ? fp * KIND_BITS + kind : -1;
  };

  /** A folder named like an entry in a bucket, which Go's trim removes whole (os.RemoveAll) when old. */
  const countTrimmableFolder = (sub: Folder): void => {
    try {
      if (lstatSync(sub.path).mtimeMs < trimCutoffMs) totals.unusedCount++;
    } catch {
      // Gone since the listing: nothing for a trim to remove.
    }
  };

  const visit = (folder: Folder): Folder[] => {
    let children: Array<Dirent | Dirent<Buffer>>;
    try {
      children = listFolder(folder);
    } catch {
      totals.unreadable++;
      return [];
    }
    const known = previous === null ? undefined : knownEntries(previous.records, previousFolders.get(folder.key));
    const start = keptCount;
    const subfolders: Folder[] = [];
    // Go's trim looks only at names ending -a or -d directly inside its 256 bucket folders. (It
    // stats through symbolic links; cmd/go never writes one, and the scan follows none.)
    const inBucket = folder.depth === 1 && TRIM_BUCKET.test(folder.key);
    for (const child of children) {
      if (child.isSymbolicLink()) {
        totals.symlinks++;
      } else if (child.isDirectory()) {
        const sub = childFolder(folder, child.name);
        if (inBucket && typeof child.name === "string" && isTrimmableName(child.name)) countTrimmableFolder(sub);
        subfolders.push(sub);
      } else if (child.isFile()) {
        const name = typeof child.name === "string" ? child.name : child.name.toString("utf8");
        if (folder.depth === 0 && BOOKKEEPING_FILES.includes(name)) continue;
        const file = joinPath(folder.path, child.name);
        const trimmable = inBucket && typeof child.name === "string" && isTrimmableName(name);
        const record = (known === undefined ? null : reuseEntry(file, name, known, trimmable)) ?? readEntry(file, name, trimmable);
        if (record >= 0) keep(record);
      } else {
        totals.other++;
      }
    }
    if (keptCount > start) kept.folders.push([folder.key, start, keptCount]);
    return subfolders;
  };

  const walk = (start: Folder): void => {
    const pending = [start];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      for (const sub of visit(next)) pending.push(sub);
    }
  };

  const records = (): RecordSet => ({ folders: kept.folders, records: kept.records.subarray(0, keptCount) });

  return { visit, walk, totals, records };
}
