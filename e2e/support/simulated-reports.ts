// Simulated machines that enroll and report through the dashboard's real API, with the full probe
// set of a Mac (or chosen parts of it), for specs about what the dashboard shows.
import { randomUUID } from "node:crypto";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter, RouterInputs } from "@cachefleet/api";
import { createAgentClient, type ApiClient } from "./simulated-agent.js";

export type AgentReport = RouterInputs["agent"]["report"];
type Probes = AgentReport["probes"];

export interface CacheFigures {
  plaintext: number;
  encrypted: number;
}

export interface SimulatedReport {
  takenAt: Date;
  cache: CacheFigures;
  goVersion?: string;
  /** Probes to replace in the otherwise healthy Mac's set. */
  probes?: Partial<Probes>;
}

const gocache = "/Users/dev/Library/Caches/go-build";
const entryBytes = 4096;

function verdictOf({ plaintext, encrypted }: CacheFigures) {
  if (plaintext > 0 && encrypted > 0) return "mixed" as const;
  if (plaintext > 0) return "plaintext" as const;
  return encrypted > 0 ? ("encrypted" as const) : ("empty" as const);
}

export function macReport(hostname: string, report: SimulatedReport): AgentReport {
  const tally = (count: number) => ({ count, bytes: count * entryBytes });
  const { plaintext, encrypted } = report.cache;
  const goVersion = report.goVersion ?? "go1.22.2";
  const probes: Probes = {
    goToolchain: {
      status: "ok",
      binary: "/opt/homebrew/bin/go",
      buildInfo: { status: "ok", info: { goVersion, path: "cmd/go", module: null, settings: { GOARCH: "arm64", GOOS: "darwin" } } },
      toolchains: [
        { root: "/opt/homebrew/Cellar/go/1.22.2/libexec", goBinary: "/opt/homebrew/bin/go", version: goVersion, versionFrom: "VERSION-file", error: null, sources: ["path", "homebrew"], active: true },
      ],
    },
    hardware: { status: "ok", machine: "arm64", appleSilicon: true, agentTranslated: false, macos: { productName: "macOS", productVersion: "15.1", buildVersion: "24B83" }, goHostArch: "arm64", goUnderRosetta: false, notes: [] },
    keychain: { status: "ok", service: "go-build-cache-encryption-key", itemPresent: true },
    permissions: {
      status: "ok", gocache, exists: true, isDirectory: true, ownerUid: 501, userUid: 501, ownedByUser: true, writable: true, hardLinks: true, hardLinkError: null,
      disk: { path: gocache, freeBytes: 200 * 1024 ** 3, totalBytes: 500 * 1024 ** 3 },
    },
    persistence: {
      status: "ok", gobin: "/Users/dev/go/bin", gobinFrom: "GOPATH",
      goenv: { status: "ok", file: "/Users/dev/Library/Application Support/go/env", exists: true, keys: ["GOPRIVATE"] },
      launchAgents: { status: "ok", folder: "/Users/dev/Library/LaunchAgents", plists: 1, paths: [], unreadable: [], gobinOnPath: true },
    },
    tools: { status: "ok", dir: "/Users/dev/go/bin", dirFrom: "GOPATH", exists: true, binaries: [], total: 0, truncated: false },
    versionDrift: {
      status: "ok", gocache, currentVersion: goVersion, currentSince: "2026-11-01T00:00:00.000Z", previousVersion: null, previousLastSeenAt: null,
      lastCleanAt: null, oldestEntryAt: null, sharedAcrossVersions: false,
    },
    ...report.probes,
  };
  return {
    id: randomUUID(),
    agentVersion: "0.1.0",
    takenAt: report.takenAt.toISOString(),
    machine: { hostname, username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" },
    go: {
      status: "ok",
      env: {
        GOVERSION: goVersion, GOOS: "darwin", GOARCH: "arm64", GOHOSTARCH: "arm64", GOROOT: "/opt/homebrew/Cellar/go/1.22.2/libexec", GOPATH: "/Users/dev/go",
        GOBIN: "", GOCACHE: gocache, GOMODCACHE: "/Users/dev/go/pkg/mod", GOENV: "/Users/dev/Library/Application Support/go/env", GOTOOLCHAIN: "auto",
      },
    },
    scan: {
      status: "ok",
      summary: {
        gocache,
        entries: tally(plaintext + encrypted),
        classes: { plaintext: tally(plaintext), encrypted: tally(encrypted), unknown: tally(0) },
        formats: { ...(plaintext > 0 ? { archive: tally(plaintext) } : {}), ...(encrypted > 0 ? { sealed: tally(encrypted) } : {}) },
        skipped: { symlinks: 0, unreadable: 0, other: 0 },
        verdict: verdictOf(report.cache),
        oldestEntryAt: "2026-11-01T00:00:00.000Z",
        newestEntryAt: report.takenAt.toISOString(),
        durationMs: 120,
      },
    },
    probes,
  };
}

export interface SimulatedMachine {
  machineId: string;
  hostname: string;
  client: ApiClient;
  report(report: SimulatedReport): Promise<void>;
}

/** Enrolls through the public enroll procedure, as `cachefleet-agent enroll` does. */
export async function enrollSimulatedMac(server: string, secret: string, hostname: string): Promise<SimulatedMachine> {
  const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url: new URL("/api/trpc", server).toString() })] });
  const { machineId, token } = await anonymous.agent.enroll.mutate({
    secret,
    machine: { hostname, username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" },
  });
  const client = createAgentClient(server, token);
  return {
    machineId,
    hostname,
    client,
    report: async (report) => {
      await client.agent.report.mutate(macReport(hostname, report));
    },
  };
}
