// A small, realistic team of Macs for pictures of the dashboard: each enrolls and reports through
// the agents' real tRPC API with a report shaped like the real agent's (probes, scan, go env),
// sent a few times over the past days so the history has something to show.
import { randomUUID } from "node:crypto";
import { createAgentClient, type ApiClient } from "./simulated-agent.js";

type AgentReport = Parameters<ApiClient["agent"]["report"]["mutate"]>[0];
type Toolchain = Extract<AgentReport["probes"]["goToolchain"], { status: "ok" }>["toolchains"][number];
type Verdict = "plaintext" | "encrypted" | "mixed" | "empty";

export interface SimulatedMac {
  hostname: string;
  username: string;
  macos: string;
  /** "arm64" for Apple Silicon, "x86_64" for Intel. */
  cpu: "arm64" | "x86_64";
  /** An amd64 Go on Apple Silicon: it runs under Rosetta. */
  goUnderRosetta?: boolean;
  goVersion: string;
  /** Another toolchain installed next to the active one. */
  otherGo?: string;
  verdict: Verdict;
  entries: number;
  /** Average entry size in bytes. */
  entryBytes: number;
  keychainKey: boolean;
  goenvKeys?: string[];
  tools?: string[];
}

export const teamMacs: SimulatedMac[] = [
  { hostname: "ana-mbp", username: "ana", macos: "15.1", cpu: "arm64", goVersion: "go1.24.1", verdict: "encrypted", entries: 18_240, entryBytes: 61_000, keychainKey: true, goenvKeys: ["GOPRIVATE"], tools: ["gopls", "staticcheck", "dlv"] },
  { hostname: "ben-mbp", username: "ben", macos: "14.6.1", cpu: "arm64", goVersion: "go1.22.5", verdict: "plaintext", entries: 9_812, entryBytes: 58_000, keychainKey: false, tools: ["gopls"] },
  { hostname: "chen-imac", username: "chen", macos: "13.6.9", cpu: "x86_64", goVersion: "go1.21.9", verdict: "plaintext", entries: 4_377, entryBytes: 52_000, keychainKey: false },
  { hostname: "dara-mbp", username: "dara", macos: "15.0.1", cpu: "arm64", goVersion: "go1.24.0", otherGo: "go1.23.4", verdict: "mixed", entries: 22_905, entryBytes: 64_000, keychainKey: true, tools: ["gopls", "golangci-lint"] },
  { hostname: "eli-mbp", username: "eli", macos: "14.7", cpu: "arm64", goUnderRosetta: true, goVersion: "go1.23.2", verdict: "plaintext", entries: 6_120, entryBytes: 55_000, keychainKey: false, tools: ["gopls"] },
  { hostname: "fay-studio", username: "fay", macos: "15.1", cpu: "arm64", goVersion: "go1.24.1", verdict: "encrypted", entries: 31_664, entryBytes: 70_000, keychainKey: true, goenvKeys: ["GOPRIVATE", "GOFLAGS"], tools: ["gopls", "buf", "mockgen"] },
  { hostname: "gus-mba", username: "gus", macos: "15.1", cpu: "arm64", goVersion: "go1.24.1", verdict: "empty", entries: 0, entryBytes: 0, keychainKey: true },
];

const day = 86_400_000;

function tally(count: number, bytesPerEntry: number) {
  return { count, bytes: count * bytesPerEntry };
}

/** How a cache of `entries` splits into plaintext and encrypted entries for its verdict. */
function classes(mac: SimulatedMac, entries: number) {
  const encrypted = mac.verdict === "encrypted" ? entries : mac.verdict === "mixed" ? Math.round(entries * 0.62) : 0;
  const plaintext = entries - encrypted;
  return {
    plaintext: tally(plaintext, mac.entryBytes),
    encrypted: tally(encrypted, mac.entryBytes),
    unknown: tally(0, 0),
  };
}

/** The format mix a real cache shows: action files, archives, index files, text listings. */
function formats(mac: SimulatedMac, entries: number) {
  const { plaintext, encrypted } = classes(mac, entries);
  const share = (part: number, fraction: number) => Math.round(part * fraction);
  const result: Record<string, { count: number; bytes: number }> = {};
  if (plaintext.count > 0) {
    result.action = tally(share(plaintext.count, 0.48), 180);
    result.archive = tally(share(plaintext.count, 0.3), mac.entryBytes * 3);
    result.goindex = tally(share(plaintext.count, 0.12), 9_000);
    result.text = tally(share(plaintext.count, 0.1), 2_400);
  }
  if (encrypted.count > 0) result.sealed = tally(encrypted.count, mac.entryBytes);
  return result;
}

function report(mac: SimulatedMac, takenAt: Date, entries: number): AgentReport {
  const home = `/Users/${mac.username}`;
  const gocache = `${home}/Library/Caches/go-build`;
  const goroot = `/usr/local/go`;
  const goArch = mac.cpu === "arm64" && !mac.goUnderRosetta ? "arm64" : "amd64";
  const scanClasses = classes(mac, entries);
  const bytes = scanClasses.plaintext.bytes + scanClasses.encrypted.bytes;
  const oldest = entries > 0 ? new Date(takenAt.getTime() - 40 * day).toISOString() : null;
  const toolchain = (version: string, active: boolean): Toolchain => ({
    root: active ? goroot : `${home}/sdk/${version}`,
    goBinary: active ? `${goroot}/bin/go` : `${home}/sdk/${version}/bin/go`,
    version,
    versionFrom: "VERSION-file",
    error: null,
    sources: active ? ["path", "usr-local"] : ["sdk"],
    active,
  });
  const gobin = `${home}/go/bin`;
  return {
    id: randomUUID(),
    agentVersion: "0.1.0",
    takenAt: takenAt.toISOString(),
    machine: {
      hostname: mac.hostname,
      username: mac.username,
      platform: "darwin",
      osRelease: mac.macos.startsWith("15") ? "24.1.0" : mac.macos.startsWith("14") ? "23.6.0" : "22.6.0",
      // Node's process.arch: the agent runs natively even where the Go toolchain needs Rosetta.
      arch: mac.cpu === "arm64" ? "arm64" : "x64",
    },
    go: {
      status: "ok",
      env: {
        GOVERSION: mac.goVersion,
        GOOS: "darwin",
        GOARCH: goArch,
        GOHOSTARCH: goArch,
        GOROOT: goroot,
        GOPATH: `${home}/go`,
        GOBIN: "",
        GOCACHE: gocache,
        GOMODCACHE: `${home}/go/pkg/mod`,
        GOENV: `${home}/Library/Application Support/go/env`,
        GOTOOLCHAIN: "local",
      },
    },
    scan: {
      status: "ok",
      summary: {
        gocache,
        entries: { count: entries, bytes },
        classes: scanClasses,
        formats: formats(mac, entries),
        skipped: { symlinks: 0, unreadable: 0, other: 0 },
        verdict: entries === 0 ? "empty" : mac.verdict,
        oldestEntryAt: oldest,
        newestEntryAt: entries > 0 ? new Date(takenAt.getTime() - 3_600_000).toISOString() : null,
        durationMs: 120 + entries / 90,
      },
    },
    probes: {
      goToolchain: {
        status: "ok",
        binary: `${goroot}/bin/go`,
        buildInfo: {
          status: "ok",
          info: { goVersion: mac.goVersion, path: "cmd/go", module: null, settings: { GOOS: "darwin", GOARCH: goArch, CGO_ENABLED: "1" } },
        },
        toolchains: [toolchain(mac.goVersion, true), ...(mac.otherGo ? [toolchain(mac.otherGo, false)] : [])],
      },
      hardware: {
        status: "ok",
        machine: mac.cpu,
        appleSilicon: mac.cpu === "arm64",
        agentTranslated: false,
        macos: { productName: "macOS", productVersion: mac.macos, buildVersion: mac.macos.startsWith("15") ? "24B83" : "23H124" },
        goHostArch: goArch,
        goUnderRosetta: mac.goUnderRosetta ?? false,
        notes: [],
      },
      keychain: { status: "ok", service: "go-build-cache-encryption-key", itemPresent: mac.keychainKey },
      permissions: {
        status: "ok",
        gocache,
        exists: true,
        isDirectory: true,
        ownerUid: 501,
        userUid: 501,
        ownedByUser: true,
        writable: true,
        hardLinks: true,
        hardLinkError: null,
        disk: { path: gocache, freeBytes: 212 * 1024 ** 3, totalBytes: 494 * 1024 ** 3 },
      },
      persistence: {
        status: "ok",
        gobin,
        gobinFrom: "GOPATH",
        goenv: { status: "ok", file: `${home}/Library/Application Support/go/env`, exists: (mac.goenvKeys ?? []).length > 0, keys: mac.goenvKeys ?? [] },
        launchAgents: { status: "ok", folder: `${home}/Library/LaunchAgents`, plists: 2, paths: [], unreadable: [], gobinOnPath: false },
      },
      tools: {
        status: "ok",
        dir: gobin,
        dirFrom: "GOPATH",
        exists: (mac.tools ?? []).length > 0,
        binaries: (mac.tools ?? []).map((name) => ({ kind: "go" as const, name, goVersion: mac.goVersion, path: null, module: null })),
        total: (mac.tools ?? []).length,
        truncated: false,
      },
      versionDrift: {
        status: "ok",
        gocache,
        currentVersion: mac.goVersion,
        currentSince: new Date(takenAt.getTime() - 12 * day).toISOString(),
        previousVersion: mac.otherGo ?? null,
        previousLastSeenAt: mac.otherGo ? new Date(takenAt.getTime() - 12 * day).toISOString() : null,
        lastCleanAt: null,
        oldestEntryAt: oldest,
        sharedAcrossVersions: Boolean(mac.otherGo) && entries > 0,
      },
    },
  };
}

/**
 * Enrolls each Mac with the team's secret and sends `history` reports, one a day ending now, the
 * cache growing towards its final size, so charts over time have a slope.
 */
export async function reportTeam(server: string, enrollmentSecret: string, macs: SimulatedMac[] = teamMacs, history = 6): Promise<void> {
  const enroller = createAgentClient(server, "");
  for (const mac of macs) {
    const { token } = await enroller.agent.enroll.mutate({
      secret: enrollmentSecret,
      machine: { hostname: mac.hostname, username: mac.username, platform: "darwin", osRelease: "", arch: mac.cpu },
    });
    const agent = createAgentClient(server, token);
    const now = Date.now();
    for (let index = 0; index < history; index++) {
      const ago = history - 1 - index;
      const entries = Math.round(mac.entries * (0.55 + (0.45 * index) / Math.max(1, history - 1)));
      await agent.agent.report.mutate(report(mac, new Date(now - ago * day - 60_000), entries));
    }
  }
}
