// A report as a real agent on a Mac sends it (every probe answered), built from a few facts: the
// fleet bench seeds its history with these, and the fleet spec's simulated machines send them.
import type { RouterInputs } from "@cachefleet/api";

export type AgentReport = RouterInputs["agent"]["report"];
export type CacheVerdict = "plaintext" | "encrypted" | "mixed" | "empty";

export interface MachineFacts {
  hostname: string;
  username: string;
  /** "arm64" or "x64", as Node's os.arch() says. */
  arch: string;
  /** The agent runs translated by Rosetta. */
  rosetta: boolean;
  macosVersion: string;
  /** The active toolchain first. */
  goVersions: readonly string[];
  verdict: CacheVerdict;
  entries: number;
  bytes: number;
  keychain: boolean;
}

export function simulatedReport(machine: MachineFacts, takenAt: Date = new Date(), id: string = crypto.randomUUID()): AgentReport {
  const entries = machine.verdict === "empty" ? 0 : machine.entries;
  const tally = (count: number) => ({ count, bytes: Math.round((count * machine.bytes) / Math.max(1, entries)) });
  const encrypted = machine.verdict === "encrypted" ? entries : machine.verdict === "mixed" ? Math.floor(entries / 3) : 0;
  const home = `/Users/${machine.username}`;
  const gocache = `${home}/Library/Caches/go-build`;
  const goVersion = machine.goVersions[0] ?? "go1.22.2";
  const goArch = machine.arch === "x64" ? "amd64" : "arm64";
  return {
    id,
    agentVersion: "0.1.0",
    takenAt: takenAt.toISOString(),
    machine: { hostname: machine.hostname, username: machine.username, platform: "darwin", osRelease: "24.1.0", arch: machine.arch },
    go: {
      status: "ok",
      env: {
        GOVERSION: goVersion, GOOS: "darwin", GOARCH: goArch, GOHOSTARCH: goArch, GOROOT: "/usr/local/go", GOPATH: `${home}/go`, GOBIN: "",
        GOCACHE: gocache, GOMODCACHE: `${home}/go/pkg/mod`, GOENV: `${home}/Library/Application Support/go/env`, GOTOOLCHAIN: "auto",
      },
    },
    scan: {
      status: "ok",
      summary: {
        gocache,
        entries: tally(entries),
        classes: { plaintext: tally(entries - encrypted), encrypted: tally(encrypted), unknown: tally(0) },
        formats: {
          action: tally(Math.floor((entries - encrypted) / 2)),
          archive: tally(Math.floor((entries - encrypted) / 4)),
          goindex: tally(Math.floor((entries - encrypted) / 8)),
          text: tally(Math.floor((entries - encrypted) / 8)),
          sealed: tally(encrypted),
        },
        skipped: { symlinks: 0, unreadable: 0, other: 0 },
        verdict: machine.verdict,
        oldestEntryAt: entries === 0 ? null : new Date(takenAt.getTime() - 40 * 86_400_000).toISOString(),
        newestEntryAt: entries === 0 ? null : takenAt.toISOString(),
        durationMs: 850,
      },
    },
    probes: {
      goToolchain: {
        status: "ok",
        binary: "/usr/local/go/bin/go",
        buildInfo: { status: "ok", info: { goVersion, path: "cmd/go", module: null, settings: { GOOS: "darwin", GOARCH: goArch, CGO_ENABLED: "1" } } },
        toolchains: machine.goVersions.map((version, position) => ({
          root: position === 0 ? "/usr/local/go" : `${home}/sdk/${version}`,
          goBinary: position === 0 ? "/usr/local/go/bin/go" : `${home}/sdk/${version}/bin/go`,
          version,
          versionFrom: "VERSION-file" as const,
          error: null,
          sources: position === 0 ? ["path" as const, "usr-local" as const] : ["sdk" as const],
          active: position === 0,
        })),
      },
      hardware: {
        status: "ok",
        machine: machine.arch === "x64" ? "x86_64" : "arm64",
        appleSilicon: machine.arch === "arm64" || machine.rosetta,
        agentTranslated: machine.rosetta,
        macos: { productName: "macOS", productVersion: machine.macosVersion, buildVersion: "24B83" },
        goHostArch: goArch,
        goUnderRosetta: machine.rosetta,
        notes: [],
      },
      keychain: { status: "ok", service: "go-build-cache-encryption-key", itemPresent: machine.keychain },
      permissions: {
        status: "ok", gocache, exists: true, isDirectory: true, ownerUid: 501, userUid: 501, ownedByUser: true, writable: true, hardLinks: true, hardLinkError: null,
        disk: { path: gocache, freeBytes: 120_000_000_000, totalBytes: 494_000_000_000 },
      },
      persistence: {
        status: "ok",
        gobin: `${home}/go/bin`,
        gobinFrom: "GOPATH",
        goenv: { status: "ok", file: `${home}/Library/Application Support/go/env`, exists: true, keys: ["GOPRIVATE", "GOFLAGS"] },
        launchAgents: { status: "ok", folder: `${home}/Library/LaunchAgents`, plists: 3, paths: [], unreadable: [], gobinOnPath: false },
      },
      tools: {
        status: "ok", dir: `${home}/go/bin`, dirFrom: "GOPATH", exists: true, total: 2, truncated: false,
        binaries: [
          { kind: "go", name: "gopls", goVersion, path: "golang.org/x/tools/gopls", module: { path: "golang.org/x/tools/gopls", version: "v0.16.2" } },
          { kind: "go", name: "dlv", goVersion, path: "github.com/go-delve/delve/cmd/dlv", module: { path: "github.com/go-delve/delve", version: "v1.23.1" } },
        ],
      },
      versionDrift: {
        status: "ok", gocache, currentVersion: goVersion, currentSince: new Date(takenAt.getTime() - 20 * 86_400_000).toISOString(),
        previousVersion: null, previousLastSeenAt: null, lastCleanAt: null, oldestEntryAt: null, sharedAcrossVersions: false,
      },
    },
  };
}
