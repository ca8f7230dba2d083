import { describe, expect, it } from "vitest";
import type { GoProbe, ScanSummary } from "@cachefleet/contract";
import { isGoRelease, isOnline } from "./policy.js";
import { defaultPolicy, evaluateHealth, type TeamPolicy } from "./rules.js";

const gib = 1024 ** 3;

function scanOf(bytes: number, verdict: ScanSummary["verdict"]): { status: "ok"; summary: ScanSummary } {
  const plaintext = verdict === "plaintext" ? { count: 10, bytes } : { count: 0, bytes: 0 };
  const encrypted = verdict === "encrypted" ? { count: 10, bytes } : { count: 0, bytes: 0 };
  return {
    status: "ok",
    summary: {
      gocache: "/Users/dev/Library/Caches/go-build",
      entries: { count: 10, bytes },
      classes: { plaintext, encrypted, unknown: { count: 0, bytes: 0 } },
      formats: {},
      skipped: { symlinks: 0, unreadable: 0, other: 0 },
      verdict,
      oldestEntryAt: null,
      newestEntryAt: null,
      durationMs: 1,
    },
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

const rules = (version: string, bytes: number, verdict: ScanSummary["verdict"], policy: TeamPolicy) =>
  evaluateHealth({ go: go(version), scan: scanOf(bytes, verdict) }, policy).map((finding) => finding.rule);

describe("team policy in the health rules", () => {
  it("asks for encryption only when required, and only from the policy's Go version", () => {
    expect(rules("go1.21.9", gib, "plaintext", defaultPolicy)).toEqual([]);
    expect(rules("go1.21.9", gib, "plaintext", { ...defaultPolicy, requireEncryptedFromGo: "1.21" })).toEqual(["plaintext-cache"]);
    expect(rules("go1.21.9", gib, "plaintext", { ...defaultPolicy, requireEncryptedFromGo: "1.21.10" })).toEqual([]);
    expect(rules("go1.22.2", gib, "plaintext", { ...defaultPolicy, requireEncryption: false })).toEqual([]);
  });

  it("names the policy's Go version in the plaintext finding", () => {
    const [finding] = evaluateHealth({ go: go("go1.21.9"), scan: scanOf(gib, "plaintext") }, { ...defaultPolicy, requireEncryptedFromGo: "1.21" });
    expect(finding?.title).toContain("from Go 1.21");
  });

  it("warns about a cache above the size threshold, with what to do", () => {
    const policy = { ...defaultPolicy, cacheSizeWarningBytes: 2 * gib };
    expect(rules("go1.22.2", 2 * gib, "encrypted", policy)).toEqual([]);
    const findings = evaluateHealth({ go: go("go1.22.2"), scan: scanOf(3 * gib, "encrypted") }, policy);
    expect(findings).toEqual([expect.objectContaining({ rule: "cache-too-large", severity: "warning" })]);
    expect(findings[0]?.title).toContain("3.0 GiB");
    expect(findings[0]?.action).toMatch(/clean|migration/);
  });

  it("does not judge the size of a cache it could not scan", () => {
    const findings = evaluateHealth({ go: go("go1.22.2"), scan: { status: "error", message: "EACCES" } }, { ...defaultPolicy, cacheSizeWarningBytes: 1 });
    expect(findings.map((finding) => finding.rule)).toEqual(["scan-failed"]);
  });
});

describe("isOnline", () => {
  const now = new Date("2026-11-24T12:00:00Z");
  it("is online within the policy's threshold and offline after it", () => {
    expect(isOnline(new Date("2026-11-24T11:01:00Z"), now, { offlineAfterMinutes: 60 })).toBe(true);
    expect(isOnline(new Date("2026-11-24T11:00:00Z"), now, { offlineAfterMinutes: 60 })).toBe(false);
    expect(isOnline("2026-11-24T11:56:00Z", now.getTime(), { offlineAfterMinutes: 5 })).toBe(true);
    expect(isOnline("2026-11-24T11:54:00Z", now.getTime(), { offlineAfterMinutes: 5 })).toBe(false);
  });

  it("is offline when never seen or the time is unreadable", () => {
    expect(isOnline(null, now, defaultPolicy)).toBe(false);
    expect(isOnline("yesterday", now, defaultPolicy)).toBe(false);
  });
});

describe("isGoRelease", () => {
  it("accepts releases as the policy names them and nothing else", () => {
    for (const text of ["1.22", "1.21.3", "1.0", "1.100"]) expect(isGoRelease(text)).toBe(true);
    for (const text of ["go1.22", "1.22rc1", "1", "2.0", "1.", "1.22.", " 1.22", "1.022", ""]) expect(isGoRelease(text)).toBe(false);
  });
});
