// When the agent sends a full report and what it collects first: pure decisions, free of I/O.
// An idle agent sends only heartbeats; a full report goes up when its facts changed (any probe
// fact, the verdict or any class count, cache bytes by more than 1 %), at least every 6 hours,
// after every command, and when the dashboard asks for one (it lacks the last one sent).
import { hitRateOf, type AgentReport } from "@cachefleet/contract";
import { canonicalJson } from "@cachefleet/contract/digest";

/** A full report at least this often, whatever changed: also the safety net of every probe. */
export const fullReportEveryMs = 6 * 60 * 60 * 1000;

/**
 * Changes are reported at most once per this many heartbeat intervals (5 minutes at the default
 * 60 s): a developer building all day then stores about a hundred reports, not one a minute.
 * After a command, or when the dashboard asks, a report goes at once.
 */
export const heartbeatsBetweenChangeReports = 5;

/** Cache bytes (and free disk, as a share of the disk) may drift this much without a report. */
export const bytesTolerance = 0.01;

/**
 * The facts of a report that decide whether it is news, each part as canonical JSON: everything
 * but the report's id and time, the scan's duration, the times of the oldest and newest entry
 * (a cache hit refreshes an entry's time, hourly, without changing any fact), byte figures
 * (compared with a tolerance instead) and free disk space (likewise).
 */
export function comparableParts(report: AgentReport): Record<string, string> {
  const parts: Record<string, string> = {
    "agent version": canonicalJson(report.agentVersion),
    machine: canonicalJson(report.machine),
    "go env": canonicalJson(report.go),
  };
  const { scan } = report;
  if (scan.status === "ok") {
    const { summary } = scan;
    parts.verdict = canonicalJson(summary.verdict);
    parts["cache entries"] = canonicalJson({
      gocache: summary.gocache,
      entries: summary.entries.count,
      classes: Object.fromEntries(Object.entries(summary.classes).map(([name, tally]) => [name, tally.count])),
      formats: Object.fromEntries(Object.entries(summary.formats).map(([name, tally]) => [name, tally?.count ?? 0])),
      skipped: summary.skipped,
    });
  } else {
    parts.scan = canonicalJson(scan);
  }
  // The helper's hit rate, to the whole percent: counters move with every build, but only a
  // change in the rate is news (the dashboard charts it).
  if (report.cacheHits) {
    const rate = hitRateOf(report.cacheHits);
    parts["hit rate"] = canonicalJson(rate === null ? null : Math.round(rate * 100));
  }
  for (const [name, probe] of Object.entries(report.probes)) {
    if (name === "permissions" && probe.status === "ok" && "disk" in probe && probe.disk) {
      parts[name] = canonicalJson({ ...probe, disk: { path: probe.disk.path, totalBytes: probe.disk.totalBytes } });
    } else if (name === "versionDrift" && probe.status === "ok" && "oldestEntryAt" in probe) {
      parts[name] = canonicalJson({ ...probe, oldestEntryAt: null });
    } else {
      parts[name] = canonicalJson(probe);
    }
  }
  return parts;
}

function drifted(before: number, after: number, of: number): boolean {
  if (before === after) return false;
  return of <= 0 || Math.abs(after - before) > bytesTolerance * of;
}

/** What changed between two reports' facts, e.g. "cache entries" or "cache bytes"; null: nothing that matters. */
export function factsChange(previous: AgentReport, next: AgentReport): string | null {
  const before = comparableParts(previous);
  const after = comparableParts(next);
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[name] !== after[name]) return name;
  }
  if (previous.scan.status === "ok" && next.scan.status === "ok") {
    const bytesBefore = previous.scan.summary.entries.bytes;
    if (drifted(bytesBefore, next.scan.summary.entries.bytes, bytesBefore)) return "cache bytes";
  }
  const diskBefore = previous.probes.permissions.status === "ok" ? previous.probes.permissions.disk : null;
  const diskAfter = next.probes.permissions.status === "ok" ? next.probes.permissions.disk : null;
  if (diskBefore && diskAfter && drifted(diskBefore.freeBytes, diskAfter.freeBytes, diskBefore.totalBytes)) return "free disk";
  return null;
}

export interface SentReport {
  report: AgentReport;
  /** When it was accepted (ms since the epoch). */
  sentAt: number;
  /** Its digest, as the dashboard computed it. */
  digest: string;
}

export type Trigger = "start" | "command" | "dashboard-asked" | "periodic";

/**
 * Whether `candidate` goes up as a full report, and why: always for a trigger (the first report,
 * after a command, when the dashboard asked, every 6 hours); otherwise when its facts changed
 * since the last report sent, at least `changeGapMs` ago. Null: a heartbeat is enough.
 */
export function fullReportReason(last: SentReport | null, candidate: AgentReport, trigger: Trigger | null, now: number, changeGapMs: number): string | null {
  if (trigger) return trigger;
  if (!last) return "start";
  if (now - last.sentAt >= fullReportEveryMs) return "periodic";
  // A change within the gap waits for a later check: it is still there then.
  if (now - last.sentAt < changeGapMs) return null;
  const change = factsChange(last.report, candidate);
  return change ? `${change} changed` : null;
}

/** What a check must collect again; the rest is taken from the last collection. */
export interface Collection {
  /** `go env`, `go version -m`, sysctl, sw_vers, security: the probes that start processes. */
  spawning: boolean;
  /** The GOCACHE scan. */
  scan: boolean;
}

export interface CheckInputs {
  trigger: Trigger | null;
  /** Changes in GOCACHE came and settled since the last scan. */
  cacheChanged: boolean;
  /** Something the spawning probes read changed (GOENV file, GOBIN folder, PATH, the go binary…). */
  probeInputsChanged: boolean;
  /** Since the last collection of everything (ms); null: never. */
  sinceFullCollectionMs: number | null;
}

/**
 * What to collect for a check; null when nothing may have changed, so only a heartbeat goes up.
 * The file-only probes (permissions, persistence, version drift) run with every collection.
 */
export function collectionFor(inputs: CheckInputs): Collection | null {
  const everything = inputs.sinceFullCollectionMs === null || inputs.sinceFullCollectionMs >= fullReportEveryMs || inputs.trigger === "start" || inputs.trigger === "command" || inputs.trigger === "periodic";
  if (everything) return { spawning: true, scan: true };
  if (!inputs.cacheChanged && !inputs.probeInputsChanged && inputs.trigger === null) return null;
  // The dashboard asking needs no new facts: the file-only probes refresh the last ones.
  return { spawning: inputs.probeInputsChanged, scan: inputs.cacheChanged };
}
