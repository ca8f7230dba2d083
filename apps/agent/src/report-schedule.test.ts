// The pure decisions of reporting: which facts count as news, when a full report goes up, and
// what a check collects again.
import { describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { agentReport } from "@cachefleet/contract/test-support";
import { collectionFor, factsChange, fullReportEveryMs, fullReportReason, type SentReport } from "./report-schedule.js";

const base = agentReport({ hostname: "mac", plaintext: 100, encrypted: 0, cacheBytes: 1_000_000 });

function withScan(report: AgentReport, change: (summary: Extract<AgentReport["scan"], { status: "ok" }>["summary"]) => void): AgentReport {
  const copy = structuredClone(report);
  if (copy.scan.status === "ok") change(copy.scan.summary);
  return copy;
}

describe("factsChange", () => {
  it("sees nothing new in a report that differs only in id, time, scan duration and entry times", () => {
    const again = withScan({ ...base, id: "00000000-0000-4000-8000-000000000001", takenAt: new Date(Date.now() + 60_000).toISOString() }, (summary) => {
      summary.durationMs += 17;
      summary.newestEntryAt = new Date().toISOString();
    });
    expect(factsChange(base, again)).toBeNull();
  });

  it("counts any class count, the verdict and cache bytes beyond 1 % as news", () => {
    expect(factsChange(base, withScan(base, (summary) => (summary.classes.plaintext.count += 1)))).toBe("cache entries");
    expect(factsChange(base, withScan(base, (summary) => (summary.verdict = "mixed")))).toBe("verdict");
    expect(factsChange(base, withScan(base, (summary) => (summary.entries.bytes += 10_000)))).toBeNull();
    expect(factsChange(base, withScan(base, (summary) => (summary.entries.bytes += 10_001)))).toBe("cache bytes");
    expect(factsChange(base, withScan(base, (summary) => (summary.entries.bytes -= 20_000)))).toBe("cache bytes");
  });

  it("counts a change of the cache helper's hit rate to the whole percent as news, not its counters alone", () => {
    const withHits = (gets: number, hits: number) => ({ ...structuredClone(base), cacheHits: { gets, hits, misses: gets - hits, puts: 0, bytesServed: 0, bytesWritten: 0, busyMs: 0, since: null } });
    expect(factsChange(withHits(1000, 900), withHits(2000, 1800))).toBeNull();
    expect(factsChange(withHits(1000, 900), withHits(2000, 1900))).toBe("hit rate");
  });

  it("counts any probe fact as news, free disk only beyond 1 % of the disk", () => {
    const keychainGone = structuredClone(base);
    keychainGone.probes.keychain = { status: "ok", service: "go-build-cache-encryption-key", itemPresent: false, store: "keychain", keyCreatedAt: null };
    expect(factsChange(base, keychainGone)).toBe("keychain");
    const goenvSet = structuredClone(base);
    if (goenvSet.probes.persistence.status === "ok" && goenvSet.probes.persistence.goenv.status === "ok") goenvSet.probes.persistence.goenv.keys.push("GOFLAGS");
    expect(factsChange(base, goenvSet)).toBe("persistence");
    const disk = (free: number) => {
      const copy = structuredClone(base);
      if (copy.probes.permissions.status === "ok") copy.probes.permissions.disk = { path: "/", freeBytes: free, totalBytes: 100_000 };
      return copy;
    };
    expect(factsChange(disk(50_000), disk(50_900))).toBeNull();
    expect(factsChange(disk(50_000), disk(48_000))).toBe("free disk");
    expect(factsChange(base, { ...base, agentVersion: "9.9.9" })).toBe("agent version");
  });
});

describe("fullReportReason", () => {
  const sent: SentReport = { report: base, sentAt: 1_000_000, digest: "a".repeat(64) };

  it("sends the first report, after a command, when the dashboard asks, and at least every 6 hours", () => {
    expect(fullReportReason(null, base, null, 0, 0)).toBe("start");
    expect(fullReportReason(sent, base, "command", sent.sentAt + 1, 300_000)).toBe("command");
    expect(fullReportReason(sent, base, "dashboard-asked", sent.sentAt + 1, 300_000)).toBe("dashboard-asked");
    expect(fullReportReason(sent, base, null, sent.sentAt + fullReportEveryMs - 1, 300_000)).toBeNull();
    expect(fullReportReason(sent, base, null, sent.sentAt + fullReportEveryMs, 300_000)).toBe("periodic");
  });

  it("holds a change until the gap since the last report has passed", () => {
    const changed = withScan(base, (summary) => (summary.classes.encrypted.count = 3));
    expect(fullReportReason(sent, changed, null, sent.sentAt + 299_999, 300_000)).toBeNull();
  });

  it("sends a changed report and says what changed", () => {
    const changed = withScan(base, (summary) => (summary.classes.encrypted.count = 3));
    expect(fullReportReason(sent, changed, null, sent.sentAt + 300_000, 300_000)).toBe("cache entries changed");
  });
});

describe("collectionFor", () => {
  const idle = { trigger: null, cacheChanged: false, probeInputsChanged: false, sinceFullCollectionMs: 60_000 };

  it("collects nothing while nothing may have changed: a heartbeat is enough", () => {
    expect(collectionFor(idle)).toBeNull();
  });

  it("rescans after cache writes and reruns the spawning probes only when what they read changed", () => {
    expect(collectionFor({ ...idle, cacheChanged: true })).toEqual({ spawning: false, scan: true });
    expect(collectionFor({ ...idle, probeInputsChanged: true })).toEqual({ spawning: true, scan: false });
    expect(collectionFor({ ...idle, trigger: "dashboard-asked" })).toEqual({ spawning: false, scan: false });
  });

  it("collects everything at the start, after a command, and on the 6-hour safety net", () => {
    expect(collectionFor({ ...idle, sinceFullCollectionMs: null })).toEqual({ spawning: true, scan: true });
    expect(collectionFor({ ...idle, trigger: "command" })).toEqual({ spawning: true, scan: true });
    expect(collectionFor({ ...idle, sinceFullCollectionMs: fullReportEveryMs })).toEqual({ spawning: true, scan: true });
  });
});
