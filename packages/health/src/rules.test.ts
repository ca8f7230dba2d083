import { describe, expect, it } from "vitest";
import type { GoProbe, ScanSummary } from "@cachefleet/contract";
import { evaluateHealth, overallHealth } from "./rules.js";
import { isGoVersionAtLeast, parseGoVersion } from "./go-version.js";

const tally = (count: number) => ({ count, bytes: count * 100 });

function summary(plaintext: number, encrypted: number, verdict: ScanSummary["verdict"]): ScanSummary {
  return {
    gocache: "/Users/dev/Library/Caches/go-build",
    entries: tally(plaintext + encrypted),
    classes: { plaintext: tally(plaintext), encrypted: tally(encrypted), unknown: tally(0) },
    formats: {},
    skipped: { symlinks: 0, unreadable: 0, other: 0 },
    verdict,
    oldestEntryAt: null,
    newestEntryAt: null,
    durationMs: 1,
  };
}

function go(version: string): GoProbe {
  return {
    status: "ok",
    env: {
      GOVERSION: version, GOOS: "darwin", GOARCH: "arm64", GOHOSTARCH: "arm64", GOROOT: "", GOPATH: "",
      GOBIN: "", GOCACHE: "", GOMODCACHE: "", GOENV: "", GOTOOLCHAIN: "",
    },
  };
}

describe("evaluateHealth", () => {
  it("flags a mixed cache as critical", () => {
    const findings = evaluateHealth({ go: go("go1.22.1"), scan: { status: "ok", summary: summary(3, 4, "mixed") } });
    expect(findings.map((f) => f.rule)).toEqual(["mixed-cache"]);
    expect(overallHealth(findings)).toBe("critical");
  });

  it("warns about a plaintext cache only from the policy's Go version on", () => {
    const scan = { status: "ok" as const, summary: summary(5, 0, "plaintext") };
    expect(evaluateHealth({ go: go("go1.22.0"), scan }).map((f) => f.rule)).toEqual(["plaintext-cache"]);
    expect(evaluateHealth({ go: go("go1.21.9"), scan })).toEqual([]);
    expect(evaluateHealth({ go: go("go1.22.0"), scan }, { requireEncryptedFromGo: null })).toEqual([]);
  });

  it("reports an encrypted cache as healthy", () => {
    const findings = evaluateHealth({ go: go("go1.23.0"), scan: { status: "ok", summary: summary(0, 9, "encrypted") } });
    expect(overallHealth(findings)).toBe("healthy");
  });

  it("keeps reporting the scan when Go cannot run", () => {
    const findings = evaluateHealth({
      go: { status: "error", message: "spawn go ENOENT" },
      scan: { status: "error", message: "GOCACHE unknown" },
    });
    expect(findings.map((f) => f.rule)).toEqual(["go-unavailable", "scan-failed"]);
  });
});

describe("go versions", () => {
  it("parses release, rc and devel strings", () => {
    expect(parseGoVersion("go1.22.2")).toEqual([1, 22, 2]);
    expect(parseGoVersion("go1.21rc2")).toEqual([1, 21, 0]);
    expect(parseGoVersion("devel go1.23-abc")).toEqual([1, 23, 0]);
    expect(parseGoVersion("unknown")).toBeNull();
  });

  it("compares against a minimum release", () => {
    expect(isGoVersionAtLeast("go1.22.0", "1.22")).toBe(true);
    expect(isGoVersionAtLeast("go1.100.0", "1.22")).toBe(true);
    expect(isGoVersionAtLeast("go1.21.13", "1.22")).toBe(false);
    expect(isGoVersionAtLeast("", "1.22")).toBe(false);
  });
});
