// Agent reports built in the test, for simulated machines whose facts a test chooses exactly.
import { randomUUID } from "node:crypto";
import type { RouterInputs } from "@cachefleet/api";

export type AgentReport = RouterInputs["agent"]["report"];

/** A report of a Mac running `goVersion` whose cache holds only plaintext entries. */
export function plaintextCacheReport(hostname: string, goVersion: string): AgentReport {
  const plaintext = { count: 1200, bytes: 65_000_000 };
  const none = { count: 0, bytes: 0 };
  const notPart = { status: "not-applicable" as const, message: "simulated machine" };
  return {
    id: randomUUID(),
    agentVersion: "simulated",
    takenAt: new Date().toISOString(),
    machine: { hostname, username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" },
    go: {
      status: "ok",
      env: {
        GOVERSION: goVersion, GOOS: "darwin", GOARCH: "arm64", GOHOSTARCH: "arm64", GOROOT: "/usr/local/go", GOPATH: "/Users/dev/go",
        GOBIN: "", GOCACHE: "/Users/dev/Library/Caches/go-build", GOMODCACHE: "/Users/dev/go/pkg/mod", GOENV: "", GOTOOLCHAIN: "local",
      },
    },
    scan: {
      status: "ok",
      summary: {
        gocache: "/Users/dev/Library/Caches/go-build",
        entries: plaintext,
        classes: { plaintext, encrypted: none, unknown: none },
        formats: { archive: plaintext },
        skipped: { symlinks: 0, unreadable: 0, other: 0 },
        verdict: "plaintext",
        oldestEntryAt: null,
        newestEntryAt: null,
        durationMs: 12,
      },
    },
    probes: {
      goToolchain: notPart,
      hardware: notPart,
      keychain: notPart,
      permissions: notPart,
      persistence: notPart,
      tools: notPart,
      versionDrift: notPart,
    },
  };
}
