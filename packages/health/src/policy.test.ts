import { describe, expect, it } from "vitest";
import type { ScanSummary } from "@cachefleet/contract";
import { isGoRelease, isOnline } from "./policy.js";
import { defaultPolicy, evaluateHealth, type TeamPolicy } from "./rules.js";
import { go, summary } from "./test-support/facts.js";

const gib = 1024 ** 3;

/** A scan whose entries (all of `verdict`'s class) weigh `bytes` in all. */
function scanOf(bytes: number, verdict: ScanSummary["verdict"]): { status: "ok"; summary: ScanSummary } {
  const scanned = summary(verdict === "plaintext" ? 10 : 0, verdict === "encrypted" ? 10 : 0, verdict);
  return { status: "ok", summary: { ...scanned, entries: { count: 10, bytes } } };
}

const rules = (version: string, bytes: number, verdict: ScanSummary["verdict"], policy: TeamPolicy) =>
  evaluateHealth({ go: go(version), scan: scanOf(bytes, verdict) }, policy).map((finding) => finding.rule);

describe("team policy in the health rules", () => {
  it("asks for encryption only when required, and only from the policy's Go version", () => {
    expect(rules("go1.21.9", gib, "plaintext", defaultPolicy)).toEqual([]);
    expect(rules("go1.21.9", gib, "plaintext", { ...defaultPolicy, requireEncryptedFromGo: "1.21" })).toEqual(["plaintext-cache", "go-too-old-for-encryption"]);
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
