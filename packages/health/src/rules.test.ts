import { describe, expect, it } from "vitest";
import { AgentProbes } from "@cachefleet/contract";
import { defaultPolicy, evaluateHealth, lowDiskThresholds, overallHealth, sortFindings, type Finding, type MachineFacts } from "./rules.js";
import { isGoVersionAtLeast, parseGoVersion } from "./go-version.js";
import { go, summary } from "./test-support/facts.js";

describe("evaluateHealth", () => {
  it("flags a mixed cache as critical", () => {
    const findings = evaluateHealth({ go: go("go1.24.4"), scan: { status: "ok", summary: summary(3, 4, "mixed") } });
    expect(findings.map((f) => f.rule)).toEqual(["mixed-cache"]);
    expect(overallHealth(findings)).toBe("critical");
    expect(findings[0]?.action).toMatch(/Migrate/);
  });

  it("warns about a plaintext cache only from the policy's Go version on", () => {
    const scan = { status: "ok" as const, summary: summary(5, 0, "plaintext") };
    expect(evaluateHealth({ go: go("go1.24.0"), scan }).map((f) => f.rule)).toEqual(["plaintext-cache"]);
    // Go 1.22 cannot run the helper: the finding says to upgrade, and a second one says why.
    expect(evaluateHealth({ go: go("go1.22.0"), scan }).map((f) => f.rule)).toEqual(["plaintext-cache", "go-too-old-for-encryption"]);
    expect(evaluateHealth({ go: go("go1.21.9"), scan })).toEqual([]);
    expect(evaluateHealth({ go: go("go1.22.0"), scan }, { ...defaultPolicy, requireEncryption: false })).toEqual([]);
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

const gib = 1024 ** 3;

/** A healthy Apple Silicon Mac: every probe ok and nothing to flag. */
function healthyProbes(): AgentProbes {
  return AgentProbes.parse({
    goToolchain: {
      status: "ok",
      binary: "/usr/local/go/bin/go",
      buildInfo: { status: "ok", info: { goVersion: "go1.22.2", path: "cmd/go", module: null, settings: { GOARCH: "arm64", GOOS: "darwin" } } },
      toolchains: [{ root: "/usr/local/go", goBinary: "/usr/local/go/bin/go", version: "go1.22.2", versionFrom: "VERSION-file", error: null, sources: ["path", "goroot", "usr-local"], active: true }],
    },
    hardware: { status: "ok", machine: "arm64", appleSilicon: true, agentTranslated: false, macos: { productName: "macOS", productVersion: "14.5", buildVersion: "23F79" }, goHostArch: "arm64", goUnderRosetta: false, notes: [] },
    keychain: { status: "ok", service: "go-build-cache-encryption-key", itemPresent: true },
    permissions: {
      status: "ok", gocache: "/Users/dev/Library/Caches/go-build", exists: true, isDirectory: true, ownerUid: 501, userUid: 501, ownedByUser: true,
      writable: true, hardLinks: true, hardLinkError: null, disk: { path: "/Users/dev/Library/Caches/go-build", freeBytes: 200 * gib, totalBytes: 500 * gib },
    },
    persistence: {
      status: "ok", gobin: "/Users/dev/go/bin", gobinFrom: "GOPATH",
      goenv: { status: "ok", file: "/Users/dev/Library/Application Support/go/env", exists: true, keys: ["GOPRIVATE"] },
      launchAgents: {
        status: "ok", folder: "/Users/dev/Library/LaunchAgents", plists: 1, unreadable: [], gobinOnPath: true,
        paths: [{ file: "/Users/dev/Library/LaunchAgents/env.path.plist", label: "env.path", via: "launchctl-setenv", path: "/usr/bin:/bin:/Users/dev/go/bin", holdsGobin: true, ownAgent: false }],
      },
    },
    tools: {
      status: "ok", dir: "/Users/dev/go/bin", dirFrom: "GOPATH", exists: true, total: 1, truncated: false,
      binaries: [{ kind: "go", name: "gopls", goVersion: "go1.22.2", path: "golang.org/x/tools/gopls", module: { path: "golang.org/x/tools/gopls", version: "v0.15.3" } }],
    },
    versionDrift: {
      status: "ok", gocache: "/Users/dev/Library/Caches/go-build", currentVersion: "go1.22.2", currentSince: "2024-05-01T10:00:00.000Z",
      previousVersion: null, previousLastSeenAt: null, lastCleanAt: null, oldestEntryAt: "2024-05-02T10:00:00.000Z", sharedAcrossVersions: false,
    },
  });
}

/** Facts of an encrypted Go 1.22 cache with the given probes. */
function facts(change: (probes: AgentProbes) => void = () => undefined, version = "go1.22.2"): MachineFacts {
  const probes = healthyProbes();
  change(probes);
  return { go: go(version), scan: { status: "ok", summary: summary(0, 9, "encrypted") }, probes };
}

function rules(findings: Finding[]): string[] {
  return findings.map((finding) => finding.rule);
}

describe("machine probe rules", () => {
  it("finds nothing on a healthy Mac", () => {
    const findings = evaluateHealth(facts());
    expect(findings).toEqual([]);
    expect(overallHealth(findings)).toBe("healthy");
  });

  it("flags an amd64 Go toolchain running under Rosetta", () => {
    const findings = evaluateHealth(
      facts((probes) => {
        probes.hardware = { ...healthyProbes().hardware, status: "ok", machine: "x86_64", appleSilicon: true, agentTranslated: true, macos: null, goHostArch: "amd64", goUnderRosetta: true, notes: [] };
      }),
    );
    expect(rules(findings)).toEqual(["rosetta-toolchain"]);
    expect(findings[0]?.severity).toBe("warning");
    expect(findings[0]?.action).toMatch(/darwin-arm64/);
  });

  it("flags a missing Keychain item only while policy requires encryption for this Go", () => {
    const missing = (probes: AgentProbes) => {
      probes.keychain = { status: "ok", service: "go-build-cache-encryption-key", itemPresent: false, store: "keychain", keyCreatedAt: null };
    };
    const findings = evaluateHealth(facts(missing));
    expect(rules(findings)).toEqual(["keychain-missing"]);
    expect(overallHealth(findings)).toBe("critical");
    expect(evaluateHealth(facts(missing, "go1.21.13"))).toEqual([]);
    expect(evaluateHealth(facts(missing), { ...defaultPolicy, requireEncryption: false })).toEqual([]);
    // On Linux there is no Keychain: not applicable is no finding.
    const linux = facts((probes) => {
      probes.keychain = { status: "not-applicable", message: "macOS only" };
    });
    expect(evaluateHealth(linux)).toEqual([]);
  });

  it("reports each GOCACHE permission problem with its own rule", () => {
    const permissions = (change: Partial<Extract<AgentProbes["permissions"], { status: "ok" }>>) =>
      facts((probes) => {
        const base = healthyProbes().permissions;
        if (base.status !== "ok") throw new Error("fixture");
        probes.permissions = { ...base, ...change };
      });
    expect(rules(evaluateHealth(permissions({ exists: false, isDirectory: false, ownedByUser: null, writable: null, hardLinks: null })))).toEqual(["gocache-missing"]);
    expect(rules(evaluateHealth(permissions({ isDirectory: false, hardLinks: null })))).toEqual(["gocache-not-directory"]);
    const notOwned = evaluateHealth(permissions({ ownerUid: 0, ownedByUser: false }));
    expect(rules(notOwned)).toEqual(["gocache-not-owned"]);
    expect(notOwned[0]?.title).toContain("uid 0");
    expect(rules(evaluateHealth(permissions({ writable: false, hardLinks: null })))).toEqual(["gocache-not-writable"]);
    expect(rules(evaluateHealth(permissions({ hardLinks: false, hardLinkError: "EPERM" })))).toEqual(["gocache-no-hard-links"]);
    const low = evaluateHealth(permissions({ disk: { path: "/", freeBytes: lowDiskThresholds.warning - 1, totalBytes: 100 * gib } }));
    expect(low.map((f) => [f.rule, f.severity])).toEqual([["gocache-low-disk", "warning"]]);
    const veryLow = evaluateHealth(permissions({ disk: { path: "/", freeBytes: lowDiskThresholds.critical - 1, totalBytes: 100 * gib } }));
    expect(veryLow.map((f) => [f.rule, f.severity])).toEqual([["gocache-low-disk", "critical"]]);
  });

  it("does not repeat a missing GOCACHE as a failed scan", () => {
    const machine = facts((probes) => {
      const base = healthyProbes().permissions;
      if (base.status !== "ok") throw new Error("fixture");
      probes.permissions = { ...base, exists: false, isDirectory: false, ownedByUser: null, writable: null, hardLinks: null };
    });
    expect(rules(evaluateHealth({ ...machine, scan: { status: "error", message: "ENOENT" } }))).toEqual(["gocache-missing"]);
  });

  it("says when no LaunchAgent puts GOBIN on PATH: a warning with Go tools installed, else info", () => {
    const noPath = (probes: AgentProbes) => {
      const persistence = probes.persistence;
      if (persistence.status !== "ok" || persistence.launchAgents.status !== "ok") throw new Error("fixture");
      persistence.launchAgents = { ...persistence.launchAgents, gobinOnPath: false };
    };
    const withTools = evaluateHealth(facts(noPath));
    expect(withTools.map((f) => [f.rule, f.severity])).toEqual([["env-not-persisted", "warning"]]);
    expect(withTools[0]?.title).toContain("/Users/dev/go/bin");
    const withoutTools = evaluateHealth(
      facts((probes) => {
        noPath(probes);
        probes.tools = { status: "ok", dir: "/Users/dev/go/bin", dirFrom: "GOPATH", exists: false, binaries: [], total: 0, truncated: false };
      }),
    );
    expect(withoutTools.map((f) => [f.rule, f.severity])).toEqual([["env-not-persisted", "info"]]);
    expect(overallHealth(withoutTools)).toBe("healthy");
    // Linux: LaunchAgents do not apply.
    const linux = evaluateHealth(
      facts((probes) => {
        if (probes.persistence.status !== "ok") throw new Error("fixture");
        probes.persistence.launchAgents = { status: "not-applicable", message: "macOS only" };
      }),
    );
    expect(linux).toEqual([]);
  });

  it("flags a cache shared across Go versions", () => {
    const findings = evaluateHealth(
      facts((probes) => {
        const drift = probes.versionDrift;
        if (drift.status !== "ok") throw new Error("fixture");
        probes.versionDrift = { ...drift, previousVersion: "go1.21.13", sharedAcrossVersions: true };
      }),
    );
    expect(rules(findings)).toEqual(["shared-across-versions"]);
    expect(findings[0]?.title).toContain("go1.21.13");
    expect(findings[0]?.title).toContain("go1.22.2");
  });

  it("names the probes that failed in one info finding, and keeps the rest", () => {
    const findings = evaluateHealth(
      facts((probes) => {
        probes.keychain = { status: "error", message: "security exited 1: garbage" };
        probes.tools = { status: "error", message: "EACCES" };
        probes.hardware = { ...healthyProbes().hardware, status: "ok", machine: "x86_64", appleSilicon: true, agentTranslated: true, macos: null, goHostArch: "amd64", goUnderRosetta: true, notes: [] };
      }),
    );
    expect(rules(findings)).toEqual(["rosetta-toolchain", "probe-failed"]);
    expect(findings[1]?.title).toContain("Keychain (security exited 1: garbage)");
    expect(findings[1]?.title).toContain("installed tools (EACCES)");
    expect(findings[1]?.severity).toBe("info");
  });

  it("sorts findings most severe first", () => {
    const findings: Finding[] = [
      { rule: "probe-failed", severity: "info", title: "", action: "" },
      { rule: "mixed-cache", severity: "critical", title: "", action: "" },
      { rule: "gocache-low-disk", severity: "warning", title: "", action: "" },
    ];
    expect(sortFindings(findings).map((f) => f.severity)).toEqual(["critical", "warning", "info"]);
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

describe("the encrypted cache helper in the rules", () => {
  const plaintext = { status: "ok" as const, summary: summary(588, 0, "plaintext") };
  const encrypted = { status: "ok" as const, summary: summary(0, 588, "encrypted") };
  const withBackend = (backend: NonNullable<Extract<AgentProbes["goToolchain"], { status: "ok" }>["cacheBackend"]>, version = "go1.24.4"): MachineFacts => {
    const base = facts(() => undefined, version);
    const probes = base.probes ?? healthyProbes();
    if (probes.goToolchain.status === "ok") probes.goToolchain.cacheBackend = backend;
    return { ...base, probes };
  };

  it("says Go never encrypts its cache and that migrating switches to Cachefleet's encrypted cache", () => {
    const [finding] = evaluateHealth({ ...withBackend({ kind: "disk" }), scan: plaintext });
    expect(finding?.rule).toBe("plaintext-cache");
    expect(finding?.title).toContain("Go never encrypts its build cache by itself");
    expect(finding?.action).toMatch(/Migrate the cache: the migration switches the machine to Cachefleet's encrypted cache/);
  });

  it("asks Go older than 1.24 to upgrade under a policy that requires encryption, and not otherwise", () => {
    const findings = evaluateHealth({ ...withBackend({ kind: "disk" }, "go1.22.12"), scan: plaintext });
    expect(rules(findings)).toEqual(["plaintext-cache", "go-too-old-for-encryption"]);
    for (const finding of findings) expect(finding.action).toMatch(/Upgrade Go to 1\.24 or later/);
    expect(findings[1]?.title).toContain("GOCACHEPROG needs Go 1.24");
    expect(rules(evaluateHealth({ ...withBackend({ kind: "disk" }, "go1.22.12"), scan: plaintext }, { ...defaultPolicy, requireEncryption: false }))).toEqual([]);
    expect(rules(evaluateHealth({ ...withBackend({ kind: "disk" }, "go1.21.13"), scan: plaintext }))).toEqual([]);
    expect(rules(evaluateHealth({ ...withBackend({ kind: "disk" }, "go1.24.0"), scan: plaintext }))).toEqual(["plaintext-cache"]);
  });

  it("names another configured GOCACHEPROG instead of promising a migration replaces it", () => {
    const [finding] = evaluateHealth({ ...withBackend({ kind: "other", commandLine: "/opt/teamcache/bin/gocacheprog --remote" }), scan: plaintext });
    expect(finding?.action).toContain("/opt/teamcache/bin/gocacheprog --remote");
    expect(finding?.action).toMatch(/only when an admin ticks/);
  });

  it("takes the Linux key file for the key, and asks for a migration to create a missing one", () => {
    const missing = facts((probes) => {
      probes.keychain = { status: "ok", service: "go-build-cache-encryption-key", itemPresent: false, store: "file", keyCreatedAt: null };
    }, "go1.24.4");
    const [finding] = evaluateHealth(missing);
    expect(finding?.rule).toBe("keychain-missing");
    expect(finding?.title).toMatch(/No key file holds the cache encryption key/);
    expect(finding?.action).toMatch(/the migration creates the key/);
    const present = facts((probes) => {
      probes.keychain = { status: "ok", service: "go-build-cache-encryption-key", itemPresent: true, store: "file", keyCreatedAt: "2026-11-01T00:00:00.000Z" };
    }, "go1.24.4");
    expect(evaluateHealth(present)).toEqual([]);
  });

  it("leaves a Linux machine migrated on Go 1.24 healthy under the default policy", () => {
    // What a real agent on Linux reports after a migration: macOS-only probes not applicable, the key in its file.
    const migrated: MachineFacts = {
      go: go("go1.24.4"),
      scan: encrypted,
      takenAt: "2026-12-01T10:00:00.000Z",
      probes: {
        ...healthyProbes(),
        goToolchain: AgentProbes.shape.goToolchain.parse({ ...healthyProbes().goToolchain, cacheBackend: { kind: "cachefleet", version: "0.1.0" } }),
        hardware: { status: "not-applicable", message: "macOS only" },
        keychain: { status: "ok", service: "go-build-cache-encryption-key", itemPresent: true, store: "file", keyCreatedAt: "2026-12-01T09:59:00.000Z" },
        persistence: AgentProbes.shape.persistence.parse({ ...healthyProbes().persistence, launchAgents: { status: "not-applicable", message: "macOS only" } }),
      },
    };
    expect(evaluateHealth(migrated)).toEqual([]);
  });

  it("asks for a key rotation once the key is older than the policy's rotation age", () => {
    const keyOf = (createdAt: string) =>
      facts((probes) => {
        probes.keychain = { status: "ok", service: "go-build-cache-encryption-key", itemPresent: true, store: "keychain", keyCreatedAt: createdAt };
      }, "go1.24.4");
    const takenAt = "2026-12-01T10:00:00.000Z";
    const every30 = { ...defaultPolicy, rotateKeyEveryDays: 30 };
    const [due] = evaluateHealth({ ...keyOf("2026-10-01T10:00:00.000Z"), takenAt }, every30);
    expect(due).toMatchObject({ rule: "key-rotation-due", severity: "warning" });
    expect(due?.title).toContain("61 days old");
    expect(due?.action).toMatch(/cachefleet-agent rotate-key/);
    expect(evaluateHealth({ ...keyOf("2026-11-15T10:00:00.000Z"), takenAt }, every30)).toEqual([]);
    // No age in the policy, or no creation date known: nothing to ask.
    expect(evaluateHealth({ ...keyOf("2020-01-01T00:00:00.000Z"), takenAt })).toEqual([]);
    expect(evaluateHealth({ ...keyOf("2020-01-01T00:00:00.000Z") }, every30)).toEqual([]);
  });
});
