// scanCache on synthetic trees: an encrypted cache, a mixed one, and a hostile one.
import { randomBytes, randomInt } from "node:crypto";
import { existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ScanSummary } from "@cachefleet/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanCache } from "./scan.js";
import { GiB3, bucketPath, buildHostileTree, freshDir, hex, removeTempDirs } from "./test-support/fixtures.js";
import type { HostileSizes } from "./test-support/fixtures.js";

afterAll(removeTempDirs);

describe("scanCache: errors", () => {
  it("throws when GOCACHE does not exist", () => {
    const missing = path.join(freshDir("missing"), "nope");
    expect(() => scanCache(missing)).toThrow(`GOCACHE ${missing} does not exist`);
  });

  it("throws when GOCACHE is not a directory", () => {
    const file = path.join(freshDir("file"), "cache");
    writeFileSync(file, "x");
    expect(() => scanCache(file)).toThrow(`GOCACHE ${file} is not a directory`);
  });

  it("rejects a nonsensical sampleBytes", () => {
    const dir = freshDir("opts");
    expect(() => scanCache(dir, { sampleBytes: 0 })).toThrow(RangeError);
    expect(() => scanCache(dir, { sampleBytes: 5000 })).toThrow(RangeError);
  });
});

describe("scanCache: an empty cache", () => {
  it("is empty with null dates, bookkeeping files ignored, relative path made absolute", () => {
    const dir = freshDir("empty");
    writeFileSync(path.join(dir, "README"), "This directory holds cached build artifacts from the Go build system.\n");
    writeFileSync(path.join(dir, "trim.txt"), "1795474566\n");
    writeFileSync(path.join(dir, "testexpire.txt"), "1795474566333699617\n");
    for (let b = 0; b < 256; b++) mkdirSync(path.join(dir, b.toString(16).padStart(2, "0")));
    const summary = scanCache(path.relative(process.cwd(), dir));
    expect(ScanSummary.parse(summary)).toEqual(summary);
    expect(summary.gocache).toBe(dir);
    expect(summary.entries).toEqual({ count: 0, bytes: 0 });
    expect(summary.formats).toEqual({});
    expect(summary.verdict).toBe("empty");
    expect(summary.oldestEntryAt).toBeNull();
    expect(summary.newestEntryAt).toBeNull();
  });
});

describe("scanCache: the sample boundary", () => {
  it("excuses a character cut by the sample's end only when the file goes on", () => {
    const dir = freshDir("boundary");
    const euro = Buffer.from("€"); // 3 bytes
    // 4100 bytes: the euro sign straddles byte 4096, so the 4096-byte sample ends mid-character.
    const longer = Buffer.concat([Buffer.alloc(4094, "a"), euro, Buffer.from("ab\n")]);
    writeFileSync(bucketPath(dir, hex("longer"), "-d"), longer);
    // Exactly 4096 bytes ending in half a character: the sample is the whole file, so it is broken.
    const broken = Buffer.concat([Buffer.alloc(4094, "a"), euro.subarray(0, 2)]);
    writeFileSync(bucketPath(dir, hex("broken"), "-d"), broken);
    expect(scanCache(dir).formats).toEqual({
      text: { count: 1, bytes: longer.length },
      binary: { count: 1, bytes: broken.length },
    });
  });

  it("honours sampleBytes", () => {
    const dir = freshDir("sample");
    const small = Buffer.concat([Buffer.alloc(9, "a"), Buffer.from("€"), Buffer.from([0])]); // NUL at byte 12
    writeFileSync(bucketPath(dir, hex("small"), "-d"), small);
    const noise = randomBytes(4096);
    noise[0] = 0; // never text
    writeFileSync(bucketPath(dir, hex("noise"), "-d"), noise);
    // 10 bytes: nine letters and a cut euro sign → text; 10 bytes of noise are too few to look sealed.
    expect(scanCache(dir, { sampleBytes: 10 }).formats).toEqual({
      text: { count: 1, bytes: small.length },
      binary: { count: 1, bytes: noise.length },
    });
    expect(scanCache(dir).formats).toEqual({
      binary: { count: 1, bytes: small.length },
      sealed: { count: 1, bytes: noise.length },
    });
  });
});

describe("scanCache: an encrypted cache, then a mixed one", () => {
  let cache = "";
  let sealedCount = 0;
  let sealedBytes = 0;

  beforeAll(() => {
    cache = freshDir("sealed");
    writeFileSync(path.join(cache, "README"), "plaintext bookkeeping, not an entry\n");
    writeFileSync(path.join(cache, "trim.txt"), "1795474566\n");
    for (let b = 0; b < 256; b++) mkdirSync(path.join(cache, b.toString(16).padStart(2, "0")));
    for (let i = 0; i < 300; i++) {
      const data = randomBytes(randomInt(256, 9000)); // random data files, some longer than the sample
      writeFileSync(bucketPath(cache, hex(`d${i}`), "-d"), data);
      const action = `${randomBytes(randomInt(28, 120)).toString("base64")}\n`;
      writeFileSync(bucketPath(cache, hex(`a${i}`), "-a"), action);
      sealedCount += 2;
      sealedBytes += data.length + action.length;
    }
  });

  it("is encrypted: every entry sealed", () => {
    const summary = scanCache(cache);
    expect(ScanSummary.parse(summary)).toEqual(summary);
    expect(summary.verdict).toBe("encrypted");
    expect(summary.entries).toEqual({ count: sealedCount, bytes: sealedBytes });
    expect(summary.classes).toEqual({
      plaintext: { count: 0, bytes: 0 },
      encrypted: { count: sealedCount, bytes: sealedBytes },
      unknown: { count: 0, bytes: 0 },
    });
    expect(summary.formats).toEqual({ sealed: { count: sealedCount, bytes: sealedBytes } });
  });

  it("one plaintext archive makes it mixed", () => {
    const archive = Buffer.concat([Buffer.from("!<arch>\n__.PKGDEF       0           0     0     644     10        `\n"), randomBytes(500)]);
    writeFileSync(bucketPath(cache, hex("archive"), "-d"), archive);
    const summary = scanCache(cache);
    expect(summary.verdict).toBe("mixed");
    expect(summary.classes.plaintext).toEqual({ count: 1, bytes: archive.length });
    expect(summary.classes.encrypted).toEqual({ count: sealedCount, bytes: sealedBytes });
    expect(summary.formats.archive).toEqual({ count: 1, bytes: archive.length });
  });
});

describe("scanCache: a hostile tree", () => {
  const isRoot = process.getuid?.() === 0;
  let cache = "";
  let sizes: HostileSizes = { action: 0, archive: 0, text: 0, elf: 0, goobject: 0, goindex: 0 };

  beforeAll(() => {
    cache = freshDir("hostile");
    sizes = buildHostileTree(cache, freshDir("outside"));
  }, 600_000);

  it("completes, following no link and opening no FIFO", () => {
    expect(statSync(path.join(bucketPath(cache, hex("sparse"), "-d"))).size).toBe(GiB3);
    expect(existsSync(path.join(cache, "dirlink", `${hex("d0")}-d`))).toBe(true); // the link does lead somewhere

    const summary = scanCache(cache);
    expect(ScanSummary.parse(summary)).toEqual(summary);

    expect(summary.skipped.symlinks).toBe(3);
    expect(summary.skipped.other).toBe(1);
    // Root reads mode-000 files (CAP_DAC_OVERRIDE), so for root only the over-long path is unreadable.
    expect(summary.skipped.unreadable).toBe(isRoot ? 1 : 2);

    expect(summary.formats.action).toEqual({ count: 2, bytes: sizes.action }); // one named "x\ny-a"
    expect(summary.formats.archive).toEqual({ count: 1, bytes: sizes.archive }); // not the one outside, not the hidden one
    expect(summary.formats.text).toEqual({ count: 2, bytes: sizes.text }); // nested README, "line1\nline2-d"
    expect(summary.formats.binary).toEqual({ count: 1, bytes: GiB3 }); // the sparse file
    expect(summary.formats.elf).toEqual({ count: 1, bytes: sizes.elf }); // the non-UTF-8 name
    expect(summary.formats.goobject).toEqual({ count: 1, bytes: sizes.goobject }); // 40 folders down
    if (isRoot) expect(summary.formats.goindex).toEqual({ count: 1, bytes: sizes.goindex });
    else expect(summary.formats.goindex).toBeUndefined();
    expect(summary.formats.sealed).toBeUndefined();

    const count = 8 + (isRoot ? 1 : 0);
    const bytes =
      sizes.action + sizes.archive + sizes.text + GiB3 + sizes.elf + sizes.goobject + (isRoot ? sizes.goindex : 0);
    expect(summary.entries).toEqual({ count, bytes });
    expect(summary.classes.plaintext).toEqual({ count, bytes });
    expect(summary.verdict).toBe("plaintext");
    expect(summary.oldestEntryAt).toBe("2001-02-03T04:05:06.000Z");
    expect(summary.newestEntryAt).toBe("2030-01-01T00:00:00.000Z");
  });

  it("follows a GOCACHE path that is itself a symbolic link", () => {
    const link = path.join(freshDir("rootlink"), "cache");
    symlinkSync(cache, link);
    const viaLink = scanCache(link);
    expect(viaLink.gocache).toBe(link);
    expect(viaLink.entries).toEqual(scanCache(cache).entries);
    expect(viaLink.entries.count).toBeGreaterThan(0);
  });
});
