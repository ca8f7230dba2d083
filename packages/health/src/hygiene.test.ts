// The stale-trim rule: Go's trim has not run for over 2 days while entries it would delete wait.
import { describe, expect, it } from "vitest";
import type { ScanProbe } from "@cachefleet/contract";
import { evaluateHealth, overallHealth } from "./rules.js";
import { formatBytes, isTrimStale } from "./hygiene.js";
import { go, summary } from "./test-support/facts.js";

const takenAt = "2026-11-20T12:00:00.000Z";
const daysBefore = (days: number): string => new Date(Date.parse(takenAt) - days * 86_400_000).toISOString();

function scan(lastTrimAt: string | null, count: number, bytes: number): ScanProbe {
  return { status: "ok", summary: { ...summary(0, 9, "encrypted"), trim: { lastTrimAt, unused: { count, bytes } } } };
}

describe("stale-trim", () => {
  it("fires when the last trim is over 2 days old and unused entries wait, with the bytes a trim frees", () => {
    const findings = evaluateHealth({ go: go("go1.24.0"), scan: scan(daysBefore(9), 1200, 3 * 1024 ** 3), takenAt });
    expect(findings.map((f) => f.rule)).toEqual(["stale-trim"]);
    expect(findings[0]?.title).toContain("last trimmed the cache on 2026-11-11");
    expect(findings[0]?.title).toContain("1200 entries");
    expect(findings[0]?.action).toContain("frees 3.0 GiB");
    expect(overallHealth(findings)).toBe("warning");
  });

  it("fires when trim.txt is missing and unused entries wait", () => {
    const findings = evaluateHealth({ go: go("go1.24.0"), scan: scan(null, 3, 2048), takenAt });
    expect(findings[0]?.title).toMatch(/no record of a trim.*2\.0 KiB/);
  });

  it("stays silent for a recent trim, nothing unused, or a report without the facts to judge", () => {
    expect(isTrimStale(scan(daysBefore(2), 10, 10), takenAt)).toBe(false);
    expect(isTrimStale(scan(daysBefore(2.01), 10, 10), takenAt)).toBe(true);
    expect(isTrimStale(scan(daysBefore(30), 0, 0), takenAt)).toBe(false);
    expect(isTrimStale(scan(daysBefore(30), 10, 10), undefined)).toBe(false);
    expect(isTrimStale({ status: "ok", summary: summary(0, 9, "encrypted") }, takenAt)).toBe(false);
    expect(isTrimStale({ status: "error", message: "no GOCACHE" }, takenAt)).toBe(false);
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KiB"],
    [5 * 1024 ** 4, "5.0 TiB"],
  ])("%d bytes read %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
