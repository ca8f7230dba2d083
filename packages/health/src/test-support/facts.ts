// Facts for the rules' tests: a Go probe of a given version and a scan summary of given counts.
import type { GoProbe, ScanSummary } from "@cachefleet/contract";

const tally = (count: number) => ({ count, bytes: count * 100 });

export function summary(plaintext: number, encrypted: number, verdict: ScanSummary["verdict"]): ScanSummary {
  return {
    gocache: "/Users/dev/Library/Caches/go-build",
    entries: tally(plaintext + encrypted),
    classes: { plaintext: tally(plaintext), encrypted: tally(encrypted), unknown: tally(0) },
    formats: {},
    skipped: { symlinks: 0, unreadable: 0, other: 0 },
    verdict,
    oldestEntryAt: null,
    newestEntryAt: null,
    durationMs: 1,
  };
}

export function go(version: string): GoProbe {
  return {
    status: "ok",
    env: {
      GOVERSION: version, GOOS: "darwin", GOARCH: "arm64", GOHOSTARCH: "arm64", GOROOT: "", GOPATH: "",
      GOBIN: "", GOCACHE: "", GOMODCACHE: "", GOENV: "", GOTOOLCHAIN: "",
    },
  };
}
