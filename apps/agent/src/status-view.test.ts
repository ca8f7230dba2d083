// `status` for a person: a report from this Linux machine with real Go, rendered plain and in
// color, and the JSON shape scripts read.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentReport } from "@cachefleet/contract";
import { evaluateHealth, overallHealth, sortFindings } from "@cachefleet/health";
import { collectReport } from "./report.js";
import { renderStatus, wantsColor } from "./status-view.js";
import { go122, haveRealGo, isolatedGoEnv, standinRunner, tempDir, testProbeContext } from "./test-support/standins.js";

let dir: string;

beforeAll(() => {
  dir = tempDir("status");
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("color", () => {
  it("is used only on a terminal without NO_COLOR", () => {
    expect(wantsColor(true, undefined)).toBe(true);
    expect(wantsColor(true, "")).toBe(true);
    expect(wantsColor(true, "1")).toBe(false);
    expect(wantsColor(false, undefined)).toBe(false);
    expect(wantsColor(undefined, undefined)).toBe(false);
  });
});

describe.skipIf(!haveRealGo)("status of a real machine", () => {
  async function report(platform: NodeJS.Platform, keychain: "present" | "absent" = "absent") {
    const commands = standinRunner({ dir, profile: "rosetta", keychain, goEnv: isolatedGoEnv(dir) });
    const collected = await collectReport(testProbeContext({ dir, commands, go: go122, platform }));
    const findings = sortFindings(evaluateHealth({ go: collected.go, scan: collected.scan, probes: collected.probes }));
    return { report: collected, findings, health: overallHealth(findings) };
  }

  it("on Linux: a valid report, macOS probes not applicable, plain text without escapes", async () => {
    const { report: linux, findings, health } = await report("linux");
    expect(AgentReport.parse(JSON.parse(JSON.stringify(linux)))).toEqual(linux);
    expect(linux.probes.hardware.status).toBe("not-applicable");
    expect(linux.probes.keychain.status).toBe("not-applicable");
    expect(linux.probes.persistence).toMatchObject({ status: "ok", launchAgents: { status: "not-applicable" } });
    // `go env` itself wrote a few plaintext entries, and Go 1.22 falls under the default policy
    // but cannot run the encrypted cache helper.
    expect(findings.map((f) => f.rule)).toEqual(["plaintext-cache", "go-too-old-for-encryption"]);
    const text = renderStatus(linux, findings, health, false);
    expect(text).not.toContain("\u001b[");
    expect(text).toContain("WARNING, 2 findings");
    expect(text).toContain("go1.22.12 linux/amd64");
    expect(text).toContain("not applicable: The Keychain exists only on macOS");
    expect(text).toContain("owned by you, writable, hard links work");
    expect(text).toMatch(/! warning {3}The cache holds \d+ plaintext entries.*\n {14}→ Upgrade Go to 1\.24 or later/);
    expect(text).toMatch(/ {2}Cache {9}Go's own disk cache \(plaintext\)/);
  });

  it("on a Mac under Rosetta without the Keychain item: critical first, in color", async () => {
    const { report: mac, findings, health } = await report("darwin");
    // Debian's go is an amd64 build; on the stand-in Apple Silicon it runs under Rosetta.
    expect(findings.map((f) => f.rule)).toEqual(["keychain-missing", "plaintext-cache", "go-too-old-for-encryption", "rosetta-toolchain", "env-not-persisted"]);
    expect(health).toBe("critical");
    const text = renderStatus(mac, findings, health, true);
    expect(text).toContain("\u001b[31mCRITICAL\u001b[39m");
    expect(text).toContain("Apple Silicon, uname -m x86_64, macOS 14.5 (23F79)");
    expect(text).toContain("this agent itself runs under Rosetta");
    expect(renderStatus(mac, findings, health, false)).not.toContain("\u001b[");
  });
});
