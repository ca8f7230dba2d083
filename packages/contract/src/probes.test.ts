import { describe, expect, it } from "vitest";
import { AgentProbes, AgentReport, CacheBackend, KeychainProbe, probeLimits, StoredAgentReport, ToolsProbe } from "./index.js";

const notApplicable = (message: string) => ({ status: "not-applicable" as const, message });

/** What a Linux agent sends when Go is missing: every probe answers, none is ok. */
const linuxWithoutGo = {
  goToolchain: { status: "ok", binary: "go", buildInfo: { status: "error", message: "not found" }, toolchains: [], cacheBackend: null },
  hardware: notApplicable("macOS only"),
  keychain: notApplicable("macOS only"),
  permissions: { status: "error", message: "GOCACHE unknown" },
  persistence: { status: "error", message: "go env failed" },
  tools: { status: "error", message: "go env failed" },
  versionDrift: { status: "error", message: "go env failed" },
};

describe("machine probes", () => {
  it("accept one answer per probe, whatever its status", () => {
    expect(AgentProbes.parse(linuxWithoutGo)).toEqual(linuxWithoutGo);
  });

  it("are required in a report", () => {
    const report = {
      id: "6f1c1f0e-7c1a-4f8e-9d55-2b1b1d1e0a01",
      agentVersion: "0.1.0",
      takenAt: "2024-05-01T10:00:00.000Z",
      machine: { hostname: "m", username: "u", platform: "linux", osRelease: "6", arch: "x64" },
      go: { status: "error", message: "spawn go ENOENT" },
      scan: { status: "error", message: "GOCACHE unknown" },
    };
    expect(AgentReport.safeParse(report).success).toBe(false);
    expect(AgentReport.safeParse({ ...report, probes: linuxWithoutGo }).success).toBe(true);
  });

  it("refuse facts on a probe that did not run, and a Keychain service other than the cache key", () => {
    expect(KeychainProbe.safeParse({ status: "error", message: "x", itemPresent: true }).data).toEqual({ status: "error", message: "x" });
    expect(KeychainProbe.safeParse({ status: "ok", itemPresent: true }).success).toBe(false);
    expect(KeychainProbe.safeParse({ status: "ok", service: "login", itemPresent: true }).success).toBe(false);
    expect(KeychainProbe.safeParse({ status: "maybe", message: "x" }).success).toBe(false);
    expect(KeychainProbe.safeParse({ status: "ok", service: "go-build-cache-encryption-key", itemPresent: true, store: "disk" }).success).toBe(false);
  });

  it("read a Keychain answer of an agent that predates the key file as a Keychain store", () => {
    expect(KeychainProbe.parse({ status: "ok", service: "go-build-cache-encryption-key", itemPresent: true })).toEqual({
      status: "ok", service: "go-build-cache-encryption-key", itemPresent: true, store: "keychain", keyCreatedAt: null,
    });
  });

  it("name the cache backend: Go's disk cache, Cachefleet's helper with its version, or another helper's command line", () => {
    expect(CacheBackend.parse({ kind: "cachefleet", version: "0.2.0" })).toEqual({ kind: "cachefleet", version: "0.2.0" });
    expect(CacheBackend.safeParse({ kind: "other" }).success).toBe(false);
    expect(CacheBackend.safeParse({ kind: "other", commandLine: "x".repeat(4097) }).success).toBe(false);
    expect(CacheBackend.safeParse({ kind: "remote" }).success).toBe(false);
  });

  it("bound what an agent may send", () => {
    const tool = { kind: "not-go", name: "script" };
    const tools = (count: number) => ({ status: "ok", dir: "/d", dirFrom: "GOBIN", exists: true, binaries: Array.from({ length: count }, () => tool), total: count, truncated: false });
    expect(ToolsProbe.safeParse(tools(probeLimits.tools)).success).toBe(true);
    expect(ToolsProbe.safeParse(tools(probeLimits.tools + 1)).success).toBe(false);
    expect(KeychainProbe.safeParse({ status: "error", message: "x".repeat(probeLimits.messageChars + 1) }).success).toBe(false);
  });
});

describe("stored reports", () => {
  it("read reports stored before the probes existed, with every probe not applicable", () => {
    const stored = {
      id: "6f1c1f0e-7c1a-4f8e-9d55-2b1b1d1e0a01",
      agentVersion: "0.1.0",
      takenAt: "2024-05-01T10:00:00.000Z",
      machine: { hostname: "m", username: "u", platform: "darwin", osRelease: "24", arch: "arm64" },
      go: { status: "error", message: "spawn go ENOENT" },
      scan: { status: "error", message: "GOCACHE unknown" },
    };
    const read = StoredAgentReport.parse(stored);
    expect(read.probes.keychain).toEqual({ status: "not-applicable", message: "Reported by an agent version without this probe." });
    expect(StoredAgentReport.parse({ ...stored, probes: linuxWithoutGo }).probes).toEqual(linuxWithoutGo);
    expect(StoredAgentReport.safeParse({ ...stored, probes: {} }).success).toBe(false);
  });
});
