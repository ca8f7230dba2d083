// The stale-trim rule: Go's trim has not run for over 2 days while entries it would delete wait.
import { describe, expect, it } from "vitest";
import type { ScanProbe } from "@cachefleet/contract";
import { evaluateHealth, overallHealth } from "./rules.js";
import { formatBytes, isTrimStale, placementFindings } from "./hygiene.js";
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

describe("placement rules", () => {
  const ok = {
    fileSystem: { status: "ok", type: "apfs", mountPoint: "/System/Volumes/Data", kind: "local", removable: false },
    iCloud: { status: "ok", synced: false, syncedPlace: null },
    timeMachine: { status: "ok", excluded: true },
    spotlight: { status: "ok", volumeIndexed: true, pathExcluded: true },
    fileVault: { status: "ok", on: true, encryptionInProgress: false },
  } as const;
  const rules = (placement: Parameters<typeof placementFindings>[0]) => placementFindings(placement).map((f) => `${f.rule}:${f.severity}`);

  it("finds nothing wrong with a well-placed cache, or without the probes", () => {
    expect(rules(ok)).toEqual([]);
    expect(rules(undefined)).toEqual([]);
    const notApplicable = { status: "not-applicable", message: "Linux" } as const;
    expect(rules({ ...ok, iCloud: notApplicable, timeMachine: notApplicable, spotlight: notApplicable, fileVault: notApplicable })).toEqual([]);
  });

  it("gives each placement problem its rule, severity and what to do", () => {
    expect(rules({ ...ok, fileSystem: { status: "ok", type: "smbfs", mountPoint: "/Volumes/builds", kind: "network", removable: false } })).toEqual(["gocache-network-fs:critical"]);
    expect(rules({ ...ok, fileSystem: { status: "ok", type: "macfuse", mountPoint: "/Volumes/s", kind: "fuse", removable: false } })).toEqual(["gocache-network-fs:warning"]);
    expect(rules({ ...ok, fileSystem: { status: "ok", type: "exfat", mountPoint: "/Volumes/T7", kind: "local", removable: true } })).toEqual(["gocache-removable:warning"]);
    expect(rules({ ...ok, iCloud: { status: "ok", synced: true, syncedPlace: "/Users/dev/Documents" } })).toEqual(["gocache-icloud:warning"]);
    expect(rules({ ...ok, timeMachine: { status: "ok", excluded: false } })).toEqual(["gocache-backed-up:info"]);
    expect(rules({ ...ok, spotlight: { status: "ok", volumeIndexed: true, pathExcluded: false } })).toEqual(["gocache-indexed:info"]);
    expect(rules({ ...ok, spotlight: { status: "ok", volumeIndexed: false, pathExcluded: false } })).toEqual([]);
    expect(rules({ ...ok, fileVault: { status: "ok", on: false, encryptionInProgress: false } })).toEqual(["filevault-off:warning"]);
    const findings = placementFindings({ ...ok, timeMachine: { status: "ok", excluded: false } });
    expect(findings[0]?.action).toContain("tmutil addexclusion");
  });

  it("runs as part of evaluateHealth", () => {
    const findings = evaluateHealth({ go: go("go1.24.0"), scan: { status: "ok", summary: summary(0, 9, "encrypted") }, placement: { ...ok, fileVault: { status: "ok", on: false, encryptionInProgress: false } } });
    expect(findings.map((f) => f.rule)).toEqual(["filevault-off"]);
  });
});
