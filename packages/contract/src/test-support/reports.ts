// Agent reports for tests: one builder of the report a real agent on a Mac sends (every probe
// answered, scan and go env consistent with each other), from the few facts tests vary. Probes a
// test leaves out of its question are replaced with `notProbed(...)`.
import { randomUUID } from "node:crypto";
import type { ClaimMessage, CommandResult, ProgressMessage, ResultMessage, StepProgress } from "../command.js";
import type { AgentProbes, CacheBackend, ProbeName } from "../probes.js";
import { keychainService } from "../probes.js";
import type { AgentReport, CacheHitFigures } from "../report.js";
import type { CacheVerdict, Tally, TrimFacts } from "../scan.js";

export interface ReportFacts {
  id?: string;
  agentVersion?: string;
  takenAt?: Date;
  /** The name the machine goes by in the fleet. */
  hostname?: string;
  /** The hostname its OS reports: the fleet name unless given; null leaves it out, as agents from before it did. */
  osHostname?: string | null;
  username?: string;
  osRelease?: string;
  /** Node's os.arch() of the agent; "x64" by default when the agent runs translated. */
  arch?: string;
  /** False for an Intel Mac. */
  appleSilicon?: boolean;
  /** The agent itself runs translated by Rosetta. */
  rosetta?: boolean;
  /** An amd64 Go toolchain on Apple Silicon. */
  goUnderRosetta?: boolean;
  /** `sw_vers` productVersion; null when it could not be read. */
  macosVersion?: string | null;
  /** The active toolchain first; the others live in ~/sdk. */
  goVersions?: readonly string[];
  /** GOROOT of the active toolchain: /usr/local/go unless given (Homebrew's Cellar, say). */
  goroot?: string;
  /** Entries of each class in the cache. */
  plaintext?: number;
  encrypted?: number;
  unknown?: number;
  /** Bytes of each entry (4096 unless given)… */
  entryBytes?: number;
  /** …or of the whole cache, shared out over its entries. */
  cacheBytes?: number;
  /** Follows from the class counts unless given. */
  verdict?: CacheVerdict;
  /** The Keychain holds the cache encryption key. */
  keychain?: boolean;
  /** Where the build cache lives: Cachefleet's helper unless given (an encrypted cache needs it). */
  cacheBackend?: CacheBackend | null;
  /** The helper's counters; none unless given. */
  cacheHits?: CacheHitFigures | null;
  /** Probes that replace the healthy Mac's. */
  probes?: Partial<AgentProbes>;
  /** Go's trim facts; by default trimmed 6 hours before the report with nothing unused. */
  trim?: TrimFacts;
}

export const probeNames = ["goToolchain", "hardware", "keychain", "permissions", "persistence", "tools", "versionDrift"] as const satisfies readonly ProbeName[];

/** The named probes, each "not-applicable": for the parts of a report a test does not look at. */
export function notProbed(...names: ProbeName[]): Partial<AgentProbes> {
  return Object.fromEntries(names.map((name) => [name, { status: "not-applicable", message: "not part of this test" }]));
}

/** The verdict a scan with these class counts reaches. */
export function verdictOf(plaintext: number, encrypted: number): CacheVerdict {
  if (plaintext > 0 && encrypted > 0) return "mixed";
  if (plaintext > 0) return "plaintext";
  return encrypted > 0 ? "encrypted" : "empty";
}

const day = 86_400_000;

/** A report of a healthy Apple Silicon Mac with an encrypted cache, changed by `facts`. */
export function agentReport(facts: ReportFacts = {}): AgentReport {
  const takenAt = facts.takenAt ?? new Date();
  const username = facts.username ?? "dev";
  const hostname = facts.hostname ?? "dev-mbp";
  const osHostname = facts.osHostname === undefined ? hostname : facts.osHostname;
  const home = `/Users/${username}`;
  const gocache = `${home}/Library/Caches/go-build`;
  const goenvFile = `${home}/Library/Application Support/go/env`;
  const gobin = `${home}/go/bin`;
  const goroot = facts.goroot ?? "/usr/local/go";
  const goVersions = facts.goVersions ?? ["go1.22.2"];
  const goVersion = goVersions[0] ?? "go1.22.2";
  const rosetta = facts.rosetta ?? false;
  const appleSilicon = facts.appleSilicon ?? true;
  const goUnderRosetta = facts.goUnderRosetta ?? false;
  const goArch = appleSilicon && !goUnderRosetta ? "arm64" : "amd64";
  const macosVersion = facts.macosVersion === undefined ? "15.1" : facts.macosVersion;

  const plaintext = facts.plaintext ?? 0;
  const encrypted = facts.encrypted ?? (facts.plaintext === undefined ? 1200 : 0);
  const unknown = facts.unknown ?? 0;
  const entries = plaintext + encrypted + unknown;
  const entryBytes = facts.cacheBytes === undefined ? (facts.entryBytes ?? 4096) : facts.cacheBytes / Math.max(1, entries);
  const tally = (count: number): Tally => ({ count, bytes: Math.round(count * entryBytes) });
  // The format mix of a real cache: action files, archives, index files, text listings; sealed when encrypted.
  const formats: Partial<Record<string, Tally>> = {};
  if (plaintext > 0) {
    const archives = Math.floor(plaintext / 4);
    const indexes = Math.floor(plaintext / 8);
    const texts = Math.floor(plaintext / 8);
    formats.action = tally(plaintext - archives - indexes - texts);
    if (archives > 0) formats.archive = tally(archives);
    if (indexes > 0) formats.goindex = tally(indexes);
    if (texts > 0) formats.text = tally(texts);
  }
  if (encrypted > 0) formats.sealed = tally(encrypted);
  if (unknown > 0) formats.other = tally(unknown);

  const probes: AgentProbes = {
    goToolchain: {
      status: "ok",
      binary: `${goroot}/bin/go`,
      buildInfo: { status: "ok", info: { goVersion, path: "cmd/go", module: null, settings: { GOOS: "darwin", GOARCH: goArch, CGO_ENABLED: "1" } } },
      toolchains: goVersions.map((version, position) => ({
        root: position === 0 ? goroot : `${home}/sdk/${version}`,
        goBinary: position === 0 ? `${goroot}/bin/go` : `${home}/sdk/${version}/bin/go`,
        version,
        versionFrom: "VERSION-file" as const,
        error: null,
        sources: position === 0 ? ["path" as const, goroot.startsWith("/opt/homebrew/") ? ("homebrew" as const) : ("usr-local" as const)] : ["sdk" as const],
        active: position === 0,
      })),
      cacheBackend: facts.cacheBackend === undefined ? { kind: "cachefleet", version: "0.1.0" } : facts.cacheBackend,
    },
    hardware: {
      status: "ok",
      machine: rosetta || !appleSilicon ? "x86_64" : "arm64",
      appleSilicon,
      agentTranslated: rosetta,
      macos: macosVersion === null ? null : { productName: "macOS", productVersion: macosVersion, buildVersion: "24B83" },
      goHostArch: goArch,
      goUnderRosetta,
      notes: [],
    },
    keychain: { status: "ok", service: keychainService, itemPresent: facts.keychain ?? true, store: "keychain", keyCreatedAt: null },
    permissions: {
      status: "ok", gocache, exists: true, isDirectory: true, ownerUid: 501, userUid: 501, ownedByUser: true, writable: true, hardLinks: true, hardLinkError: null,
      disk: { path: gocache, freeBytes: 200 * 1024 ** 3, totalBytes: 494 * 1024 ** 3 },
    },
    persistence: {
      status: "ok",
      gobin,
      gobinFrom: "GOPATH",
      goenv: { status: "ok", file: goenvFile, exists: true, keys: ["GOPRIVATE"] },
      launchAgents: {
        status: "ok", folder: `${home}/Library/LaunchAgents`, plists: 2, unreadable: [], gobinOnPath: true,
        paths: [{ file: `${home}/Library/LaunchAgents/dev.path.plist`, label: "dev.path", via: "launchctl-setenv", path: `/usr/bin:/bin:${gobin}`, holdsGobin: true, ownAgent: false }],
      },
    },
    tools: {
      status: "ok", dir: gobin, dirFrom: "GOPATH", exists: true, total: 1, truncated: false,
      binaries: [{ kind: "go", name: "gopls", goVersion, path: "golang.org/x/tools/gopls", module: { path: "golang.org/x/tools/gopls", version: "v0.16.2" } }],
    },
    versionDrift: {
      status: "ok", gocache, currentVersion: goVersion, currentSince: new Date(takenAt.getTime() - 20 * day).toISOString(),
      previousVersion: null, previousLastSeenAt: null, lastCleanAt: null, oldestEntryAt: null, sharedAcrossVersions: false,
    },
    ...facts.probes,
  };

  return {
    id: facts.id ?? crypto.randomUUID(),
    agentVersion: facts.agentVersion ?? "0.1.0",
    takenAt: takenAt.toISOString(),
    machine: {
      hostname,
      ...(osHostname === null ? {} : { osHostname }),
      username,
      platform: "darwin",
      osRelease: facts.osRelease ?? "24.1.0",
      arch: facts.arch ?? (rosetta || !appleSilicon ? "x64" : "arm64"),
    },
    go: {
      status: "ok",
      env: {
        GOVERSION: goVersion, GOOS: "darwin", GOARCH: goArch, GOHOSTARCH: goArch, GOROOT: goroot, GOPATH: `${home}/go`, GOBIN: "",
        GOCACHE: gocache, GOMODCACHE: `${home}/go/pkg/mod`, GOENV: goenvFile, GOTOOLCHAIN: "auto",
      },
    },
    scan: {
      status: "ok",
      summary: {
        gocache,
        entries: tally(entries),
        classes: { plaintext: tally(plaintext), encrypted: tally(encrypted), unknown: tally(unknown) },
        formats,
        skipped: { symlinks: 0, unreadable: 0, other: 0 },
        verdict: facts.verdict ?? verdictOf(plaintext, encrypted),
        oldestEntryAt: entries === 0 ? null : new Date(takenAt.getTime() - 40 * day).toISOString(),
        newestEntryAt: entries === 0 ? null : takenAt.toISOString(),
        durationMs: 120,
        trim: facts.trim ?? { lastTrimAt: new Date(takenAt.getTime() - 6 * 3_600_000).toISOString(), unused: { count: 0, bytes: 0 } },
      },
    },
    probes,
    cacheHits: facts.cacheHits ?? null,
  };
}

/**
 * Command messages as an agent sends them, each with a fresh message id; progress numbered per
 * command from 1 in the order built, as the agent's outbox numbers it.
 */
const progressSequences = new Map<string, number>();

export function newMessageId(): string {
  return randomUUID();
}

export function claimMessage(commandId: string): ClaimMessage {
  return { messageId: newMessageId(), commandId };
}

export function progressMessage(progress: Omit<StepProgress, "log"> & { log?: string }): ProgressMessage {
  const sequence = (progressSequences.get(progress.commandId) ?? 0) + 1;
  progressSequences.set(progress.commandId, sequence);
  return { log: "", ...progress, messageId: newMessageId(), sequence };
}

export function resultMessage(result: Omit<CommandResult, "prunedBackups"> & { prunedBackups?: string[] }): ResultMessage {
  return { prunedBackups: [], ...result, messageId: newMessageId() };
}
