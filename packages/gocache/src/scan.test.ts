// scanCache on synthetic trees: an encrypted cache, a mixed one, and a hostile one.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes, randomInt } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ScanSummary } from "@cachefleet/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanCache } from "./scan.js";

const tmpRoots: string[] = [];
function freshDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `gocache-${label}-`));
  tmpRoots.push(dir);
  return dir;
}
afterAll(() => {
  // rm -rf copes with paths longer than PATH_MAX; fs.rmSync does not.
  for (const dir of tmpRoots) execFileSync("rm", ["-rf", dir]);
});

const hex = (seed: string): string => createHash("sha256").update(seed).digest("hex");
const bucketPath = (root: string, id: string, suffix: "-a" | "-d"): string => {
  const bucket = path.join(root, id.slice(0, 2));
  mkdirSync(bucket, { recursive: true });
  return path.join(bucket, `${id}${suffix}`);
};
const actionLine = (id: string, out: string, size: number): string =>
  `v1 ${id} ${out} ${String(size).padStart(20)} ${String(1795474566333699617n).padStart(20)}\n`;

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
  const GiB3 = 3 * 2 ** 30;
  let cache = "";
  let outside = "";
  const sizes = { action: 0, archive: 0, text: 0, elf: 0, goobject: 0, goindex: 0 };

  beforeAll(() => {
    outside = freshDir("outside");
    mkdirSync(path.join(outside, "secret"));
    writeFileSync(path.join(outside, "secret", "x-d"), "!<arch>\noutside the cache\n");
    cache = freshDir("hostile");
    writeFileSync(path.join(cache, "README"), "bookkeeping\n");
    writeFileSync(path.join(cache, "testexpire.txt"), "1795474566333699617\n");

    // Ordinary entries.
    const line = actionLine(hex("a0"), hex("d0"), 9);
    writeFileSync(bucketPath(cache, hex("a0"), "-a"), line);
    sizes.action += line.length;
    const archive = "!<arch>\n__.PKGDEF\n";
    writeFileSync(bucketPath(cache, hex("d0"), "-d"), archive);
    sizes.archive += archive.length;
    // A README below the top level is an entry like any other file.
    const nestedReadme = "not bookkeeping at this depth\n";
    mkdirSync(path.join(cache, "00"), { recursive: true });
    writeFileSync(path.join(cache, "00", "README"), nestedReadme);
    sizes.text += nestedReadme.length;

    // Symbolic links: to a file outside, to itself, to a folder holding an entry. None followed.
    symlinkSync(path.join(outside, "secret", "x-d"), path.join(cache, "outside-d"));
    symlinkSync("loop-d", path.join(cache, "loop-d"));
    symlinkSync(path.join(cache, hex("d0").slice(0, 2)), path.join(cache, "dirlink"));

    // A FIFO: opening it for reading would block forever.
    execFileSync("mkfifo", [path.join(cache, "fifo-d")]);

    // A 3 GiB sparse file of zeros: binary, counted at its full size, never read whole.
    const sparse = bucketPath(cache, hex("sparse"), "-d");
    closeSync(openSync(sparse, "w"));
    truncateSync(sparse, GiB3);

    // Names with newlines, and a name that is not UTF-8.
    mkdirSync(path.join(cache, "odd\nnames"));
    const nlAction = actionLine(hex("a1"), hex("d1"), 0);
    writeFileSync(path.join(cache, "odd\nnames", "x\ny-a"), nlAction);
    sizes.action += nlAction.length;
    const nlText = "// cgo output\n";
    writeFileSync(path.join(cache, "odd\nnames", "line1\nline2-d"), nlText);
    sizes.text += nlText.length;
    const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]);
    writeFileSync(Buffer.concat([Buffer.from(path.join(cache, "odd\nnames") + path.sep), Buffer.from([0xff, 0xfe, 0x2d, 0x64])]), elf);
    sizes.elf += elf.length;

    // 40 nested folders with the only "go object" entry at the bottom.
    const deepDir = path.join(cache, ...Array.from({ length: 40 }, (_, i) => `level${i}`));
    mkdirSync(deepDir, { recursive: true });
    const obj = "go object linux amd64 go1.22.12 X:none\n";
    writeFileSync(path.join(deepDir, `${hex("deep")}-d`), obj);
    sizes.goobject += obj.length;

    // A mode-000 file holding the only goindex entry.
    const locked = bucketPath(cache, hex("locked"), "-d");
    const idx = "go index v2\n";
    writeFileSync(locked, idx);
    chmodSync(locked, 0o000);
    sizes.goindex += idx.length;

    // A chain of folders whose full path outgrows PATH_MAX (4096): opening the deepest fails with
    // ENAMETOOLONG even for root. Built by a child process that chdir()s one relative step at a time
    // (the only way to get there; shells' `cd` rebuild the full path and fail).
    const script = [
      'const fs = require("node:fs");',
      "const [root, name] = process.argv.slice(1);",
      'process.chdir(root); fs.mkdirSync("toolong"); process.chdir("toolong");',
      "for (let i = 0; i < 25; i++) { fs.mkdirSync(name); process.chdir(name); }",
      'fs.writeFileSync("hidden-d", "!<arch>\\n");',
    ].join("\n");
    execFileSync(process.execPath, ["-e", script, cache, "n".repeat(200)]);
    expect(path.join(cache, "toolong").length + 25 * 201).toBeGreaterThan(4096);

    // Fixed mtimes so oldest/newest are checkable.
    utimesSync(path.join(cache, "00", "README"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
    utimesSync(path.join(deepDir, `${hex("deep")}-d`), new Date("2030-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"));
  }, 60_000);

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
