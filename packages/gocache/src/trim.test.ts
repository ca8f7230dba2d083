// Go's trim rule as the scan applies it: trim.txt read as cmd/go reads it, the cutoff, and which
// names in which folders count, on a tree written by hand with exact mtimes.
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Gocache from "./index.js";
import * as source from "./index.js";
import { compilePackage, freshDir, hex, removeTempDirs } from "./test-support/fixtures.js";

afterAll(removeTempDirs);

const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const DAY = 86_400_000;
const CUTOFF = NOW - 5 * DAY - 3_600_000;

describe("parseTrimTime: trim.txt as cmd/go parses it (strconv.ParseInt of the trimmed text)", () => {
  it.each([
    ["1795474566", "2026-11-23T22:56:06.000Z"],
    ["1795474566\n", "2026-11-23T22:56:06.000Z"],
    ["  +1795474566  ", "2026-11-23T22:56:06.000Z"],
    ["0", "1970-01-01T00:00:00.000Z"],
    ["", null],
    ["17954x74566", null],
    ["1.5", null],
    ["99999999999999999999", null],
    ["253402300800", null],
  ])("%j reads as %j", (text, expected) => {
    expect(source.parseTrimTime(text)).toBe(expected);
  });
});

describe("trimCutoffMs", () => {
  it("is the scan's time minus 5 days and the hour of mtime imprecision", () => {
    expect(source.trimCutoffMs(NOW)).toBe(CUTOFF);
    expect(source.trimCutoffMs(NOW, 9)).toBe(NOW - 9 * DAY - 3_600_000);
  });
  it("refuses anything under Go's own 5 days, or not a whole number of days", () => {
    expect(() => source.trimCutoffMs(NOW, 4)).toThrow(/at least 5 days/);
    expect(() => source.trimCutoffMs(NOW, 5.5)).toThrow(/at least 5 days/);
  });
});

/** Writes `rel` under `root` with `content` and the given mtime (ms). */
function put(root: string, rel: string, content: string, mtimeMs: number): number {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  utimesSync(file, new Date(mtimeMs), new Date(mtimeMs));
  return Buffer.byteLength(content);
}

describe("the trim facts of a scan", () => {
  let compiled: typeof Gocache = source;
  let cache = "";
  let unusedBytes = 0;
  beforeAll(async () => {
    compiled = await import(compilePackage());
    cache = freshDir("trim");
    const a = hex("a");
    const d = hex("d");
    // Unused by Go's rule: in a bucket, named -a or -d, mtime a millisecond before the cutoff.
    unusedBytes += put(cache, `${a.slice(0, 2)}/${a}-a`, "v1 action line\n", CUTOFF - 1);
    unusedBytes += put(cache, `${d.slice(0, 2)}/${d}-d`, "!<arch>\nold archive\n", CUTOFF - 30 * DAY);
    // Kept: exactly at the cutoff (Before is strict), and newer.
    put(cache, `${hex("b").slice(0, 2)}/${hex("b")}-a`, "v1 at the cutoff\n", CUTOFF);
    put(cache, `${hex("c").slice(0, 2)}/${hex("c")}-d`, "recent\n", NOW - DAY);
    // Old, but outside Go's reach: not named like an entry, nested below a bucket, outside the
    // buckets, an upper-case folder Go never names, and the bookkeeping files.
    put(cache, "0a/notes.txt", "not an entry\n", CUTOFF - DAY);
    put(cache, `0a/sub/${hex("n")}-d`, "nested\n", CUTOFF - DAY);
    put(cache, `${hex("t")}-d`, "top level\n", CUTOFF - DAY);
    put(cache, `AB/${hex("u")}-d`, "upper case\n", CUTOFF - DAY);
    put(cache, "fuzz/x-d", "fuzz corpus\n", CUTOFF - DAY);
    put(cache, "README", "bookkeeping\n", CUTOFF - DAY);
    // An old folder named like an entry in a bucket: Go removes it whole; its bytes are not a regular file's.
    const folderEntry = path.join(cache, "0b", `${hex("dir")}-d`);
    put(cache, `0b/${hex("dir")}-d/inner`, "inside\n", CUTOFF - DAY);
    utimesSync(folderEntry, new Date(CUTOFF - DAY), new Date(CUTOFF - DAY));
    // A symbolic link in a bucket: cmd/go never writes one and the scan follows none.
    symlinkSync(path.join(cache, `${d.slice(0, 2)}/${d}-d`), path.join(cache, "0a", `${hex("link")}-d`));
    writeFileSync(path.join(cache, "trim.txt"), "1795474566\n");
  }, 600_000);

  it("counts exactly the entries Go's next trim deletes, with the bytes of the regular files", async () => {
    const want = { lastTrimAt: "2026-11-23T22:56:06.000Z", unused: { count: 3, bytes: unusedBytes } };
    expect(source.scanCache(cache, { now: () => NOW }).trim).toEqual(want);
    expect((await source.scanCacheIncremental(cache, null, { threads: 0, now: () => NOW })).summary.trim).toEqual(want);
    const onWorkers = await compiled.scanCacheIncremental(cache, null, { threads: 2, now: () => NOW });
    expect(onWorkers.stats.workers).toBe(2);
    expect(onWorkers.summary.trim).toEqual(want);
    // An incremental rescan reusing the classifications (recorded by a scan at a settled wall
    // clock, since these files were written moments ago) states the same facts.
    const settled = await compiled.scanCacheIncremental(cache, null, { threads: 2, now: () => Date.now() + 60_000 });
    const again = await compiled.scanCacheIncremental(cache, settled.state, { threads: 2, now: () => NOW });
    expect(again.stats.entriesReused).toBe(again.summary.entries.count);
    expect(again.summary.trim).toEqual(want);
  });

  it("moves with the scan's time: a day later the entry at the cutoff is unused too", () => {
    expect(source.scanCache(cache, { now: () => NOW + DAY }).trim?.unused.count).toBe(4);
  });

  it("reads trim.txt as null when it is absent, unparsable or not a file", () => {
    const dir = freshDir("trimtxt");
    expect(source.scanCache(dir).trim?.lastTrimAt).toBeNull();
    writeFileSync(path.join(dir, "trim.txt"), "yesterday\n");
    expect(source.scanCache(dir).trim?.lastTrimAt).toBeNull();
    const other = freshDir("trimdir");
    mkdirSync(path.join(other, "trim.txt"));
    expect(source.scanCache(other).trim?.lastTrimAt).toBeNull();
    writeFileSync(path.join(dir, "trim.txt"), "1795474566");
    expect(source.scanCache(dir).trim?.lastTrimAt).toBe("2026-11-23T22:56:06.000Z");
  });
});
