import { describe, expect, it } from "vitest";
import { AgentReport, CacheVerdict } from "../index.js";
import { agentReport, notProbed, probeNames } from "./reports.js";

describe("the test report builder", () => {
  it("builds a report the contract accepts, unchanged, with every probe answered", () => {
    const report = agentReport();
    expect(AgentReport.parse(report)).toEqual(report);
    expect(probeNames.every((name) => report.probes[name].status === "ok")).toBe(true);
    expect(report.scan.status === "ok" && report.scan.summary.verdict).toBe("encrypted");
  });

  it("keeps every variation schema-valid and consistent", () => {
    const report = agentReport({
      hostname: "cara-mini", username: "cara", takenAt: new Date("2026-11-20T00:00:00Z"), goVersions: ["go1.21.9", "go1.22.2"],
      plaintext: 39, encrypted: 1, unknown: 2, entryBytes: 1000, keychain: false, rosetta: true, macosVersion: null, probes: notProbed("tools"),
    });
    expect(AgentReport.parse(report)).toEqual(report);
    expect(report).toMatchObject({ takenAt: "2026-11-20T00:00:00.000Z", machine: { hostname: "cara-mini", osHostname: "cara-mini", username: "cara", arch: "x64" } });
    if (report.scan.status !== "ok" || report.go.status !== "ok") throw new Error("scan and go env must be ok");
    expect(report.scan.summary).toMatchObject({ verdict: "mixed", entries: { count: 42, bytes: 42_000 }, classes: { plaintext: { count: 39 }, encrypted: { count: 1 } } });
    const formatCount = Object.values(report.scan.summary.formats).reduce((sum, tally) => sum + (tally?.count ?? 0), 0);
    expect(formatCount).toBe(42);
    expect(report.go.env.GOVERSION).toBe("go1.21.9");
    expect(report.probes.goToolchain.status === "ok" && report.probes.goToolchain.toolchains.map((t) => [t.version, t.active])).toEqual([["go1.21.9", true], ["go1.22.2", false]]);
    expect(report.probes.hardware).toMatchObject({ status: "ok", agentTranslated: true, macos: null });
    expect(report.probes.keychain).toMatchObject({ status: "ok", itemPresent: false });
    expect(report.probes.tools.status).toBe("not-applicable");
  });

  it("shares a whole cache size out over the entries", () => {
    const scan = agentReport({ plaintext: 200, encrypted: 100, cacheBytes: 30 * 1024 ** 2 }).scan;
    expect(scan.status === "ok" && scan.summary.entries).toEqual({ count: 300, bytes: 30 * 1024 ** 2 });
    expect(scan.status === "ok" && scan.summary.classes.encrypted.bytes).toBe(Math.round(30 * 1024 ** 2 / 3));
  });

  it("follows the class counts to the verdict unless one is given", () => {
    const verdict = (facts: Parameters<typeof agentReport>[0]) => {
      const scan = agentReport(facts).scan;
      return scan.status === "ok" ? scan.summary.verdict : null;
    };
    expect([verdict({ plaintext: 3 }), verdict({ encrypted: 3 }), verdict({ plaintext: 1, encrypted: 1 }), verdict({ plaintext: 0 })]).toEqual(["plaintext", "encrypted", "mixed", "empty"]);
    expect(CacheVerdict.parse(verdict({ plaintext: 3, verdict: "mixed" }))).toBe("mixed");
  });
});
