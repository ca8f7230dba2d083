import { describe, expect, it } from "vitest";
import { canonicalJson, reportDigest } from "./digest.js";
import { Heartbeat, HeartbeatAck } from "./heartbeat.js";
import { AgentReport } from "./report.js";
import { agentReport } from "./test-support/reports.js";

describe("report digests", () => {
  it("write objects with sorted keys, so building order does not matter", () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: "x" }], skipped: undefined })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it("agree between the report an agent built and the one the dashboard parsed from the wire", () => {
    const built = agentReport({ hostname: "mac", plaintext: 3, encrypted: 0 });
    const received = AgentReport.parse(JSON.parse(JSON.stringify(built)));
    expect(reportDigest(received)).toBe(reportDigest(built));
    expect(reportDigest(built)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("agree for reports with and without the OS hostname, so older agents are not asked for full reports on every heartbeat", () => {
    for (const osHostname of ["Daras-MacBook-Pro.local", null]) {
      const built = agentReport({ hostname: "dara-mbp", osHostname });
      const received = AgentReport.parse(JSON.parse(JSON.stringify(built)));
      expect(received.machine.osHostname).toBe(osHostname ?? undefined);
      expect(reportDigest(received)).toBe(reportDigest(built));
    }
  });

  it("differ when any fact differs", () => {
    const report = agentReport({ hostname: "mac", plaintext: 3, encrypted: 0 });
    expect(reportDigest({ ...report, machine: { ...report.machine, hostname: "other" } })).not.toBe(reportDigest(report));
    expect(reportDigest({ ...report, machine: { ...report.machine, osHostname: "other" } })).not.toBe(reportDigest(report));
    expect(reportDigest({ ...report, id: "00000000-0000-4000-8000-000000000000" })).not.toBe(reportDigest(report));
  });
});

describe("heartbeats", () => {
  it("carry the agent version and a digest or null, nothing else", () => {
    expect(Heartbeat.parse({ agentVersion: "1.2.0", reportDigest: null })).toEqual({ agentVersion: "1.2.0", reportDigest: null });
    expect(Heartbeat.safeParse({ agentVersion: "1.2.0", reportDigest: "ABC" }).success).toBe(false);
    expect(Heartbeat.safeParse({ agentVersion: "1.2.0", reportDigest: null, payload: "x" }).success).toBe(false);
    expect(HeartbeatAck.safeParse({ sendFullReport: "yes" }).success).toBe(false);
  });
});
