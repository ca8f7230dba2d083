// scanCache against caches that real Go toolchains wrote, checked against an independent count.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ScanSummary } from "@cachefleet/contract";
import type { EntryFormat, Tally } from "@cachefleet/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanCacheIncremental } from "./scan-incremental.js";
import { scanCache } from "./scan.js";
import { GO_BUILD_TIMEOUT_MS, buildGoCache, runGo, toolchains, writeLeafModule } from "./test-support/fixtures.js";

interface Independent {
  count: number;
  bytes: number;
  actionFiles: number;
  dataFiles: number;
  archives: number;
  badActionLines: string[];
  missingOutputs: string[];
  formats: Partial<Record<EntryFormat, Tally>>;
  oldestMs: number;
  newestMs: number;
}

const utf8 = (b: Buffer): boolean => {
  // Stream mode: a character cut off by the end of the 4096-byte prefix is not an error.
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b, { stream: b.length === 4096 });
    return true;
  } catch {
    return false;
  }
};

/** Counts the cache a different way: recursive readdir, lstat, whole-file reads, string checks. */
function countIndependently(cache: string): Independent {
  const out: Independent = {
    count: 0,
    bytes: 0,
    actionFiles: 0,
    dataFiles: 0,
    archives: 0,
    badActionLines: [],
    missingOutputs: [],
    formats: {},
    oldestMs: Infinity,
    newestMs: -Infinity,
  };
  const tally = (format: EntryFormat, size: number) => {
    const t = (out.formats[format] ??= { count: 0, bytes: 0 });
    t.count++;
    t.bytes += size;
  };
  for (const rel of readdirSync(cache, { recursive: true, encoding: "utf8" })) {
    if (["README", "trim.txt", "testexpire.txt"].includes(rel)) continue;
    const full = path.join(cache, rel);
    const st = lstatSync(full);
    if (!st.isFile()) continue;
    const content = readFileSync(full);
    expect(content.length).toBe(st.size);
    out.count++;
    out.bytes += st.size;
    out.oldestMs = Math.min(out.oldestMs, st.mtimeMs);
    out.newestMs = Math.max(out.newestMs, st.mtimeMs);
    if (rel.endsWith("-a")) {
      out.actionFiles++;
      const fields = content.toString("latin1").replace(/\n$/, "").split(/ +/);
      const [v, action, output, size, nanos] = fields;
      const hex64 = /^[0-9a-f]{64}$/;
      const ok =
        fields.length === 5 &&
        v === "v1" &&
        hex64.test(action ?? "") &&
        hex64.test(output ?? "") &&
        /^\d+$/.test(size ?? "") &&
        /^\d+$/.test(nanos ?? "");
      if (ok) {
        tally("action", st.size);
        // The output an action names lives next door as <outputID>-d, with the size recorded.
        const data = path.join(cache, (output ?? "").slice(0, 2), `${output ?? ""}-d`);
        if (!existsSync(data) || lstatSync(data).size !== Number(size)) out.missingOutputs.push(rel);
      } else {
        out.badActionLines.push(rel);
      }
      continue;
    }
    if (rel.endsWith("-d")) out.dataFiles++;
    const head = content.subarray(0, 4096);
    const latin = head.toString("latin1");
    if (content.length === 0) tally("empty", 0);
    else if (latin.startsWith("!<arch>\n")) {
      out.archives++;
      tally("archive", st.size);
    } else if (latin.startsWith("\x7fELF")) tally("elf", st.size);
    else if (/^(\xfe\xed\xfa[\xce\xcf]|[\xce\xcf]\xfa\xed\xfe|\xca\xfe\xba\xbe)/.test(latin)) tally("macho", st.size);
    else if (latin.startsWith("go index v")) tally("goindex", st.size);
    else if (latin.startsWith("go object ")) tally("goobject", st.size);
    else if (!head.includes(0) && utf8(head)) tally("text", st.size);
    else tally("binary", st.size);
  }
  return out;
}

for (const { version, go } of toolchains) {
  describe.skipIf(!existsSync(go))(`a cache written by Go ${version} (skipped when ${go} is missing)`, () => {
    let tmp = "";
    let cache = "";
    let builtFrom = 0;
    let builtUntil = 0;

    beforeAll(() => {
      tmp = mkdtempSync(path.join(tmpdir(), `gocache-go${version}-`));
      builtFrom = Date.now() - 2_000; // file systems may round mtimes
      cache = buildGoCache(go, tmp);
      builtUntil = Date.now() + 2_000;
    }, GO_BUILD_TIMEOUT_MS);

    afterAll(() => {
      if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
    });

    it("matches an independent count exactly", () => {
      const summary = scanCache(cache);
      expect(() => ScanSummary.parse(summary)).not.toThrow();
      const ind = countIndependently(cache);

      // The build really filled the cache, and every action line is what cmd/go writes.
      expect(existsSync(path.join(cache, "README"))).toBe(true);
      expect(ind.actionFiles).toBeGreaterThan(100);
      expect(ind.archives).toBeGreaterThan(30);
      expect(ind.badActionLines).toEqual([]);
      expect(ind.missingOutputs).toEqual([]);

      expect(summary.gocache).toBe(cache);
      expect(summary.entries).toEqual({ count: ind.count, bytes: ind.bytes });
      expect(ind.count).toBe(ind.actionFiles + ind.dataFiles);
      expect(summary.formats).toEqual(ind.formats);
      expect(summary.formats.action?.count).toBe(ind.actionFiles);
      expect(summary.formats.archive?.count).toBe(ind.archives);
      const unknownCount = ind.formats.empty?.count ?? 0;
      expect(summary.classes).toEqual({
        plaintext: { count: ind.count - unknownCount, bytes: ind.bytes },
        encrypted: { count: 0, bytes: 0 },
        unknown: { count: unknownCount, bytes: 0 },
      });
      expect(summary.verdict).toBe("plaintext");
      expect(summary.skipped).toEqual({ symlinks: 0, unreadable: 0, other: 0 });

      expect(summary.oldestEntryAt).toBe(new Date(ind.oldestMs).toISOString());
      expect(summary.newestEntryAt).toBe(new Date(ind.newestMs).toISOString());
      expect(ind.oldestMs).toBeGreaterThanOrEqual(builtFrom);
      expect(ind.newestMs).toBeLessThanOrEqual(builtUntil);
      expect(summary.durationMs).toBeGreaterThan(0);
    });

    it("reads only the sample: a 28-byte prefix still finds every archive and action", () => {
      const summary = scanCache(cache, { sampleBytes: 28 });
      const full = scanCache(cache);
      expect(summary.entries).toEqual(full.entries);
      expect(summary.formats.archive).toEqual(full.formats.archive);
      expect(summary.formats.goindex).toEqual(full.formats.goindex);
      // A 175-byte action line cut to 28 bytes no longer parses.
      expect(summary.formats.action).toBeUndefined();
      expect(summary.classes.unknown.count).toBe(full.classes.unknown.count + (full.formats.action?.count ?? 0));
    });

    // Last in this block: it moves mtimes back and lets Go trim the cache.
    it(
      "states Go's trim facts exactly, and Go's own trim then deletes exactly the entries it counted unused",
      async () => {
        const DAY_S = 86_400;
        const nowMs = Date.now();
        const nowS = Math.floor(nowMs / 1000);
        const files = (): string[] =>
          readdirSync(cache, { recursive: true, encoding: "utf8" })
            .filter((rel) => lstatSync(path.join(cache, rel)).isFile())
            .sort();
        const bucketEntries = files().filter((rel) => /^[0-9a-f]{2}\/[^/]+-[ad]$/.test(rel));
        expect(bucketEntries.length).toBeGreaterThan(200);
        // The fresh build left nothing unused, and the build's own trim wrote trim.txt.
        const fresh = scanCache(cache, { now: () => nowMs });
        expect(fresh.trim?.unused).toEqual({ count: 0, bytes: 0 });
        expect(fresh.trim?.lastTrimAt).not.toBeNull();

        // Every third entry unused for 10 days; two more on either side of Go's cutoff (now − 5 days − 1 hour).
        const aged = bucketEntries.filter((_, i) => i % 3 === 0);
        const [, justUnused = "", justKept = ""] = bucketEntries;
        execFileSync("touch", ["-m", "-d", "10 days ago", ...aged.map((rel) => path.join(cache, rel))]);
        execFileSync("touch", ["-m", "-d", `@${nowS - 5 * DAY_S - 90 * 60}`, path.join(cache, justUnused)]);
        execFileSync("touch", ["-m", "-d", `@${nowS - 5 * DAY_S - 30 * 60}`, path.join(cache, justKept)]);
        // An old file outside the buckets, and one not named like an entry: Go's trim leaves both.
        writeFileSync(path.join(cache, "ab-d"), "top level\n");
        writeFileSync(path.join(cache, (aged[0] ?? "").slice(0, 2), "notes.txt"), "not an entry\n");
        execFileSync("touch", ["-m", "-d", "10 days ago", path.join(cache, "ab-d"), path.join(cache, (aged[0] ?? "").slice(0, 2), "notes.txt")]);
        // The last trim three days ago: stale, so the next go command that builds trims.
        writeFileSync(path.join(cache, "trim.txt"), `${nowS - 3 * DAY_S}`);

        const unused = [...aged, justUnused];
        const unusedBytes = unused.reduce((n, rel) => n + lstatSync(path.join(cache, rel)).size, 0);
        const expected = {
          lastTrimAt: new Date((nowS - 3 * DAY_S) * 1000).toISOString(),
          unused: { count: unused.length, bytes: unusedBytes },
        };
        expect(scanCache(cache, { now: () => nowMs }).trim).toEqual(expected);
        const incremental = await scanCacheIncremental(cache, null, { threads: 0, now: () => nowMs });
        expect(incremental.summary.trim).toEqual(expected);

        // Go's own trim: a build that uses none of these entries, then Trim as the go command exits.
        const before = files();
        writeLeafModule(tmp);
        runGo(go, tmp, ["build", "."], "leaf");
        const after = new Set(files());
        const deleted = before.filter((rel) => !after.has(rel));
        expect(deleted).toEqual([...unused].sort());
        expect(after.has("ab-d")).toBe(true);
        const rescan = scanCache(cache);
        expect(rescan.trim?.unused).toEqual({ count: 0, bytes: 0 });
        expect(Date.parse(rescan.trim?.lastTrimAt ?? "")).toBeGreaterThanOrEqual(nowS * 1000);
      },
      GO_BUILD_TIMEOUT_MS,
    );
  });
}
