// Cache hygiene rules: facts about how the cache is kept (Go's trim), as opposed to what it holds.
// Pure: the time they judge against is the report's own.
import type { PlacementProbes, ScanProbe } from "@cachefleet/contract";

/** A trim older than this while unused entries wait is stale (cmd/go would trim daily). */
export const STALE_TRIM_AFTER_MS = 2 * 24 * 3_600_000;

export const placementRules = ["gocache-network-fs", "gocache-removable", "gocache-icloud", "gocache-backed-up", "gocache-indexed", "filevault-off"] as const;
export type PlacementRule = (typeof placementRules)[number];

export interface HygieneFinding {
  rule: "stale-trim" | PlacementRule;
  severity: "info" | "warning" | "critical";
  title: string;
  action: string;
}

/** Bytes in the largest binary unit that keeps the figure at least 1 (B, KiB, MiB, GiB, TiB). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Whether Go's trim has stalled: entries unused for over 5 days exist and trim.txt is more than
 * 2 days older than the report (or absent). Undecidable, and so silent, without the report's time
 * or a scan from an agent that states trim facts.
 */
export function isTrimStale(scan: ScanProbe, takenAt: string | undefined): boolean {
  if (scan.status !== "ok" || scan.summary.trim === undefined || takenAt === undefined) return false;
  const { lastTrimAt, unused } = scan.summary.trim;
  if (unused.count === 0) return false;
  if (lastTrimAt === null) return true;
  return Date.parse(takenAt) - Date.parse(lastTrimAt) > STALE_TRIM_AFTER_MS;
}

export function trimRules(scan: ScanProbe, takenAt: string | undefined): HygieneFinding[] {
  if (!isTrimStale(scan, takenAt) || scan.status !== "ok" || scan.summary.trim === undefined) return [];
  const { lastTrimAt, unused } = scan.summary.trim;
  const since = lastTrimAt === null ? "has no record of a trim (trim.txt is missing or unreadable)" : `last trimmed the cache on ${lastTrimAt.slice(0, 10)}`;
  return [
    {
      rule: "stale-trim",
      severity: "warning",
      title: `Go ${since}: ${unused.count} entries unused for over 5 days hold ${formatBytes(unused.bytes)} that a trim would free`,
      action:
        `Push a trim: it deletes exactly the entries Go's own trim would (unused for 5 days and more) and frees ${formatBytes(unused.bytes)}; ` +
        "no backup is needed. A trim.txt restored with the cache (CI caches, copied home folders) is the usual reason Go stopped trimming.",
    },
  ];
}

/** What the placement probes find wrong with where GOCACHE lives, each with what to do. */
export function placementFindings(placement: PlacementProbes | undefined): HygieneFinding[] {
  if (placement === undefined) return [];
  const findings: HygieneFinding[] = [];
  const { fileSystem, iCloud, timeMachine, spotlight, fileVault } = placement;
  if (fileSystem.status === "ok" && (fileSystem.kind === "network" || fileSystem.kind === "fuse")) {
    findings.push({
      rule: "gocache-network-fs",
      severity: fileSystem.kind === "network" ? "critical" : "warning",
      title: `GOCACHE is on a ${fileSystem.kind === "network" ? "network" : "FUSE"} file system (${fileSystem.type} at ${fileSystem.mountPoint})`,
      action:
        "Move GOCACHE to a local disk (`go env -w GOCACHE=~/Library/Caches/go-build`): cmd/go says its cache is not safe on network file systems, " +
        "where its locking and atomic renames do not hold.",
    });
  }
  if (fileSystem.status === "ok" && fileSystem.removable === true) {
    findings.push({
      rule: "gocache-removable",
      severity: "warning",
      title: `GOCACHE is on a removable or external volume (${fileSystem.type} at ${fileSystem.mountPoint})`,
      action: "Move GOCACHE to the internal disk (`go env -w GOCACHE=~/Library/Caches/go-build`): builds fail or rebuild everything whenever the volume is away.",
    });
  }
  if (iCloud.status === "ok" && iCloud.synced) {
    findings.push({
      rule: "gocache-icloud",
      severity: "warning",
      title: `GOCACHE lies in ${iCloud.syncedPlace ?? "a folder"} that iCloud Drive syncs`,
      action: "Move GOCACHE out of iCloud-synced folders (`go env -w GOCACHE=~/Library/Caches/go-build`): syncing every build result keeps the bird process above 100 % CPU.",
    });
  }
  if (timeMachine.status === "ok" && !timeMachine.excluded) {
    findings.push({
      rule: "gocache-backed-up",
      severity: "info",
      title: "Time Machine backs up GOCACHE",
      action: "Push “Exclude from backup” (tmutil addexclusion on GOCACHE): a build cache is rebuilt from source and only bloats the backups.",
    });
  }
  if (spotlight.status === "ok" && spotlight.volumeIndexed && !spotlight.pathExcluded) {
    findings.push({
      rule: "gocache-indexed",
      severity: "info",
      title: "Spotlight indexes GOCACHE",
      action: "Add GOCACHE to Spotlight's Privacy list in System Settings, or keep it below a folder whose name ends in .noindex, so builds do not keep mds busy.",
    });
  }
  if (fileVault.status === "ok" && !fileVault.on) {
    findings.push({
      rule: "filevault-off",
      severity: "warning",
      title: "FileVault is off: the disk under the build cache is not encrypted",
      action: "Turn on FileVault (System Settings › Privacy & Security › FileVault); without it a plaintext cache sits on an unencrypted disk.",
    });
  }
  return findings;
}
