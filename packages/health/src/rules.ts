// Health rules: a machine's facts plus team policy give findings, each with what to do. Pure, and
// shared by the agent (`cachefleet-agent status`) and the dashboard. Each rule fires at most once
// per machine, so a finding's rule names it.
import { cacheProgMinimumGo, type AgentProbes, type CacheBackend, type GoProbe, type PlacementProbes, type ProbeName, type ScanProbe } from "@cachefleet/contract";
import { isGoVersionAtLeast } from "./go-version.js";
import { placementFindings, trimRules, type PlacementRule } from "./hygiene.js";

export type Severity = "info" | "warning" | "critical";
export type Health = "healthy" | "warning" | "critical";

/** The team's policy, shaped like the dashboard's Policy row so a stored policy is one as is. */
export interface TeamPolicy {
  /** Whether caches must be encrypted at all; when not, no finding asks for encryption. */
  requireEncryption: boolean;
  /** The Go release ("1.22") from which an encrypted cache is required. */
  requireEncryptedFromGo: string;
  /** A cache larger than this many bytes is a warning. */
  cacheSizeWarningBytes: number;
  /** A machine not seen for this long counts as offline (see isOnline). */
  offlineAfterMinutes: number;
  /** Rotate the cache key at least every this many days; null when the team sets no age. */
  rotateKeyEveryDays: number | null;
}

export const defaultPolicy: TeamPolicy = {
  requireEncryption: true,
  requireEncryptedFromGo: "1.22",
  cacheSizeWarningBytes: 10 * 1024 ** 3,
  offlineAfterMinutes: 60,
  rotateKeyEveryDays: null,
};

export interface MachineFacts {
  go: GoProbe;
  scan: ScanProbe;
  /** The machine probes; absent for callers (or stored reports) that predate them. */
  probes?: AgentProbes;
  /** When the report was taken (ISO 8601): the time rules about ages judge against. */
  takenAt?: string;
  /** Where GOCACHE lives; absent for agents from before the placement probes. */
  placement?: PlacementProbes;
}

export type Rule =
  | "go-unavailable"
  | "scan-failed"
  | "mixed-cache"
  | "plaintext-cache"
  | "go-too-old-for-encryption"
  | "key-rotation-due"
  | "rosetta-toolchain"
  | "keychain-missing"
  | "gocache-missing"
  | "gocache-not-directory"
  | "gocache-not-owned"
  | "gocache-not-writable"
  | "gocache-no-hard-links"
  | "gocache-low-disk"
  | "env-not-persisted"
  | "shared-across-versions"
  | "probe-failed"
  | "cache-too-large"
  | "stale-trim"
  | PlacementRule;

export interface Finding {
  rule: Rule;
  severity: Severity;
  title: string;
  action: string;
}

const gib = 1024 ** 3;

/** Free disk around GOCACHE below which builds and backups start to fail. */
export const lowDiskThresholds = { warning: 5 * gib, critical: 1 * gib } as const;

function formatGiB(bytes: number): string {
  return `${(bytes / gib).toFixed(1)} GiB`;
}

/** Whether team policy requires an encrypted cache for this Go version; unknown versions do not. */
function encryptionRequired(goVersion: string, policy: TeamPolicy): boolean {
  return policy.requireEncryption && isGoVersionAtLeast(goVersion, policy.requireEncryptedFromGo);
}

/** Whether this go command can run Cachefleet's encrypted cache helper (GOCACHEPROG, Go 1.24+). */
export function supportsCacheProg(goVersion: string): boolean {
  return isGoVersionAtLeast(goVersion, cacheProgMinimumGo);
}

const upgradeGo = `Upgrade Go to ${cacheProgMinimumGo} or later (GOCACHEPROG, which Cachefleet's encrypted cache needs, arrived in Go ${cacheProgMinimumGo})`;

function backendOf(facts: MachineFacts): CacheBackend | null {
  const probe = facts.probes?.goToolchain;
  return probe?.status === "ok" ? probe.cacheBackend : null;
}

/** What turns a plaintext cache into an encrypted one on this machine. */
function encryptAction(goVersion: string, backend: CacheBackend | null): string {
  if (!supportsCacheProg(goVersion)) return `${upgradeGo}, then migrate the cache.`;
  if (backend?.kind === "other") {
    return (
      `Another GOCACHEPROG is configured (${backend.commandLine}); a migration replaces it only when an admin ticks ` +
      "“Replace the other cache helper” — or exempt this machine from the policy."
    );
  }
  return "Migrate the cache: the migration switches the machine to Cachefleet's encrypted cache and rebuilds it sealed.";
}
function cacheRules(facts: MachineFacts, goVersion: string, policy: TeamPolicy): Finding[] {
  const findings: Finding[] = [];
  // A missing GOCACHE cannot be scanned; the permissions rule says so more usefully.
  const missing = facts.probes?.permissions.status === "ok" && !facts.probes.permissions.exists;
  if (facts.scan.status === "error" && !missing) {
    findings.push({
      rule: "scan-failed",
      severity: "warning",
      title: `The build cache could not be scanned: ${facts.scan.message}`,
      action: "Check that GOCACHE exists and is readable by the developer's account.",
    });
  }
  if (facts.scan.status === "ok") {
    const { verdict, classes } = facts.scan.summary;
    if (verdict === "mixed") {
      findings.push({
        rule: "mixed-cache",
        severity: "critical",
        title: `The cache mixes ${classes.plaintext.count} plaintext and ${classes.encrypted.count} encrypted entries`,
        action: supportsCacheProg(goVersion)
          ? "Migrate the cache (it is cleaned and rebuilt through Cachefleet's encrypted cache): mixed caches cause “build ID mismatch” rebuild loops."
          : `Clean the cache (push a clean, which keeps a backup): mixed caches cause “build ID mismatch” rebuild loops. ${upgradeGo} to encrypt it.`,
      });
    }
    if (verdict === "plaintext" && encryptionRequired(goVersion, policy)) {
      findings.push({
        rule: "plaintext-cache",
        severity: "warning",
        title:
          `The cache holds ${classes.plaintext.count} plaintext entries; team policy requires encryption from Go ${policy.requireEncryptedFromGo}, ` +
          "and Go never encrypts its build cache by itself",
        action: encryptAction(goVersion, backendOf(facts)),
      });
    }
    if (verdict !== "encrypted" && encryptionRequired(goVersion, policy) && !supportsCacheProg(goVersion)) {
      findings.push({
        rule: "go-too-old-for-encryption",
        severity: "warning",
        title: `${goVersion} cannot keep an encrypted cache: GOCACHEPROG needs Go ${cacheProgMinimumGo}, and team policy requires encryption from Go ${policy.requireEncryptedFromGo}`,
        action: `${upgradeGo}; a migration then encrypts the cache. Migrations refuse to run on older Go.`,
      });
    }
    const bytes = facts.scan.summary.entries.bytes;
    if (bytes > policy.cacheSizeWarningBytes) {
      findings.push({
        rule: "cache-too-large",
        severity: "warning",
        title: `The cache holds ${formatGiB(bytes)}, more than the team's ${formatGiB(policy.cacheSizeWarningBytes)} limit`,
        action: "Push a clean (or a migration, which keeps a backup) to start the cache afresh, and prune old backups beside it; Go never trims entries used within the last 5 days.",
      });
    }
  }
  return findings;
}

function hardwareRules(probes: AgentProbes): Finding[] {
  const hardware = probes.hardware;
  if (hardware.status !== "ok" || !hardware.goUnderRosetta) return [];
  return [
    {
      rule: "rosetta-toolchain",
      severity: "warning",
      title: "The Go toolchain is an amd64 build running under Rosetta on Apple Silicon",
      action:
        "Install the darwin-arm64 Go toolchain (go.dev/dl, or Homebrew in /opt/homebrew), put it first on PATH, " +
        "then migrate the cache: builds run translated and slower, and amd64 and arm64 caches do not mix.",
    },
  ];
}

function keychainRules(probes: AgentProbes, goVersion: string, policy: TeamPolicy): Finding[] {
  const keychain = probes.keychain;
  if (keychain.status !== "ok" || keychain.itemPresent || !encryptionRequired(goVersion, policy)) return [];
  const where = keychain.store === "keychain" ? `The Keychain has no “${keychain.service}” item` : "No key file holds the cache encryption key";
  return [
    {
      rule: "keychain-missing",
      severity: "critical",
      title: `${where}, and team policy requires an encrypted cache from Go ${policy.requireEncryptedFromGo}`,
      action: supportsCacheProg(goVersion)
        ? "Migrate the cache: the migration creates the key (in the login Keychain on macOS, a 0600 key file on Linux) and verifies that builds use it."
        : `${upgradeGo}, then migrate the cache: the migration creates the key.`,
    },
  ];
}

const dayMs = 86_400_000;

function rotationRules(probes: AgentProbes, takenAt: string | undefined, policy: TeamPolicy): Finding[] {
  const keychain = probes.keychain;
  const everyDays = policy.rotateKeyEveryDays;
  if (everyDays === null || keychain.status !== "ok" || !keychain.itemPresent || !keychain.keyCreatedAt || !takenAt) return [];
  const ageDays = Math.floor((Date.parse(takenAt) - Date.parse(keychain.keyCreatedAt)) / dayMs);
  if (!(ageDays > everyDays)) return [];
  return [
    {
      rule: "key-rotation-due",
      severity: "warning",
      title: `The cache encryption key is ${ageDays} days old; team policy rotates it every ${everyDays} days`,
      action: "Rotate the key: push “Rotate key” from the machine page, or run `cachefleet-agent rotate-key` on the machine.",
    },
  ];
}

function permissionRules(probes: AgentProbes): Finding[] {
  const permissions = probes.permissions;
  if (permissions.status !== "ok") return [];
  const { gocache } = permissions;
  const findings: Finding[] = [];
  if (!permissions.exists) {
    findings.push({
      rule: "gocache-missing",
      severity: "warning",
      title: `GOCACHE ${gocache} does not exist`,
      action: `Run any \`go build\` to create it, or check that its parent folder is writable (mkdir -p "${gocache}").`,
    });
  } else if (!permissions.isDirectory) {
    findings.push({
      rule: "gocache-not-directory",
      severity: "critical",
      title: `GOCACHE ${gocache} is not a folder`,
      action: "Move the file away (or point GOCACHE elsewhere with `go env -w GOCACHE=…`) so Go can create its cache.",
    });
  }
  if (permissions.ownedByUser === false) {
    findings.push({
      rule: "gocache-not-owned",
      severity: "critical",
      title: `GOCACHE ${gocache} belongs to uid ${permissions.ownerUid}, not to you (uid ${permissions.userUid})`,
      action: `Take it back: sudo chown -R "$(id -un)" "${gocache}" — it usually comes from a \`sudo go …\` run.`,
    });
  }
  if (permissions.writable === false) {
    findings.push({
      rule: "gocache-not-writable",
      severity: "critical",
      title: `GOCACHE ${gocache} is not writable`,
      action: `Fix its permissions (chmod -R u+rwX "${gocache}") so builds can store results.`,
    });
  }
  if (permissions.hardLinks === false) {
    findings.push({
      rule: "gocache-no-hard-links",
      severity: "warning",
      title: `The file system holding GOCACHE does not support hard links${permissions.hardLinkError ? ` (${permissions.hardLinkError})` : ""}`,
      action: "Move GOCACHE to a local APFS or ext4 volume (`go env -w GOCACHE=…`), not a network or FAT/exFAT drive.",
    });
  }
  const disk = permissions.disk;
  if (disk && disk.freeBytes < lowDiskThresholds.warning) {
    findings.push({
      rule: "gocache-low-disk",
      severity: disk.freeBytes < lowDiskThresholds.critical ? "critical" : "warning",
      title: `Only ${formatGiB(disk.freeBytes)} free on the disk holding GOCACHE`,
      action: "Free disk space: builds fail when the cache cannot grow, and a migration's backup needs room for a copy.",
    });
  }
  return findings;
}

function persistenceRules(probes: AgentProbes): Finding[] {
  const persistence = probes.persistence;
  if (persistence.status !== "ok" || persistence.gobin === null) return [];
  const launchAgents = persistence.launchAgents;
  if (launchAgents.status !== "ok" || launchAgents.gobinOnPath) return [];
  const tools = probes.tools;
  const goTools = tools.status === "ok" ? tools.binaries.filter((tool) => tool.kind === "go").length : 0;
  return [
    {
      rule: "env-not-persisted",
      // Only a problem once there are tools for GUI apps to miss.
      severity: goTools > 0 ? "warning" : "info",
      title:
        goTools > 0
          ? `No LaunchAgent puts GOBIN (${persistence.gobin}) on PATH, so GUI apps such as IDEs do not see its ${goTools} Go tools`
          : `No LaunchAgent puts GOBIN (${persistence.gobin}) on PATH for GUI apps`,
      action: `Add a LaunchAgent that runs \`launchctl setenv PATH …:${persistence.gobin}\` at login (or set GOBIN in your IDE), so IDEs use the same tools as your shell.`,
    },
  ];
}

function driftRules(probes: AgentProbes): Finding[] {
  const drift = probes.versionDrift;
  if (drift.status !== "ok" || !drift.sharedAcrossVersions) return [];
  return [
    {
      rule: "shared-across-versions",
      severity: "warning",
      title: `The cache still holds entries from ${drift.previousVersion ?? "an earlier Go"} while ${drift.currentVersion} uses it`,
      action:
        "Push a clean (it keeps a backup) — or, on Go 1.24 or later, a migration, which also encrypts the cache — so it is rebuilt by the current Go version; caches shared across versions cause rebuild loops.",
    },
  ];
}

const probeOrder: readonly ProbeName[] = ["goToolchain", "hardware", "keychain", "permissions", "persistence", "tools", "versionDrift"];

const probeLabels: Record<ProbeName, string> = {
  goToolchain: "Go toolchains",
  hardware: "hardware",
  keychain: "Keychain",
  permissions: "GOCACHE permissions",
  persistence: "environment persistence",
  tools: "installed tools",
  versionDrift: "Go version history",
};

function probeFailureRules(probes: AgentProbes, goFailed: boolean): Finding[] {
  const failedProbes = probeOrder.filter((name) => probes[name].status === "error");
  if (failedProbes.length === 0) return [];
  return [
    {
      rule: "probe-failed",
      severity: "info",
      title: `Some facts could not be read: ${failedProbes.map((name) => `${probeLabels[name]} (${messageOf(probes, name)})`).join("; ")}`,
      action: goFailed ? "Fix Go first: most probes need `go env`." : "Run `cachefleet-agent status` on the machine for details; the other facts are unaffected.",
    },
  ];
}

function messageOf(probes: AgentProbes, name: ProbeName): string {
  const probe = probes[name];
  return probe.status === "ok" ? "" : probe.message;
}

export function evaluateHealth(facts: MachineFacts, policy: TeamPolicy = defaultPolicy): Finding[] {
  const findings: Finding[] = [];
  if (facts.go.status === "error") {
    findings.push({
      rule: "go-unavailable",
      severity: "critical",
      title: `Go could not be run: ${facts.go.message}`,
      action: "Install Go or put it on the agent's PATH, then rescan.",
    });
  }
  const goVersion = facts.go.status === "ok" ? facts.go.env.GOVERSION : "";
  findings.push(...cacheRules(facts, goVersion, policy));
  findings.push(...trimRules(facts.scan, facts.takenAt));
  findings.push(...placementFindings(facts.placement));
  const probes = facts.probes;
  if (probes) {
    findings.push(
      ...hardwareRules(probes),
      ...keychainRules(probes, goVersion, policy),
      ...rotationRules(probes, facts.takenAt, policy),
      ...permissionRules(probes),
      ...persistenceRules(probes),
      ...driftRules(probes),
      ...probeFailureRules(probes, facts.go.status === "error"),
    );
  }
  return findings;
}

const severityOrder: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Findings most severe first, keeping the rules' order within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity]);
}

export function overallHealth(findings: readonly Finding[]): Health {
  if (findings.some((finding) => finding.severity === "critical")) return "critical";
  if (findings.some((finding) => finding.severity === "warning")) return "warning";
  return "healthy";
}
