// The agent's reporting loop: a heartbeat every interval, and a full report only when
// report-schedule.ts says so. Between checks the agent does nothing but wait for GOCACHE writes
// and stat what its probes read (change-watch.ts); a check collects again only what may have
// changed, and reuses the rest of the last collection.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { AgentReport, HeartbeatAck, ReportDigest, type GoEnv, type Heartbeat } from "@cachefleet/contract";
import { reportDigest } from "@cachefleet/contract/digest";
import { machineIdentity, machineTimeZone } from "./machine.js";
import { probePlacement } from "./probes/placement.js";
import type { ProbeContext } from "./probes/context.js";
import { resolveGoBinary } from "./probes/go-toolchain.js";
import { gobinOf } from "./probes/persistence.js";
import { SettleTimer, statSignature, watchCache, type CacheWatcher } from "./change-watch.js";
import { collectionFor, fullReportReason, heartbeatsBetweenChangeReports, type Collection, type SentReport, type Trigger } from "./report-schedule.js";
import { agentVersion, collectFileProbes, collectSpawningProbes, errorMessage, probeGo, probeScan, readCacheHits } from "./report.js";
import type { Outbox } from "./outbox.js";
import type { ServerClient } from "./server.js";

/** Where reports and heartbeats go: the dashboard, its answers checked against the contract. */
export interface ReportChannel {
  report(report: AgentReport): Promise<{ digest: string; health: string }>;
  heartbeat(beat: Heartbeat): Promise<HeartbeatAck>;
}

export function dashboardChannel(client: ServerClient): ReportChannel {
  return {
    async report(report) {
      const answer = await client.agent.report.mutate(report);
      return { digest: ReportDigest.parse(answer.digest), health: String(answer.health) };
    },
    async heartbeat(beat) {
      return HeartbeatAck.parse(await client.agent.heartbeat.mutate(beat));
    },
  };
}

/**
 * Reports through the durable outbox (so a report taken while the dashboard is unreachable is sent
 * when it answers again, even after a restart), heartbeats straight to the dashboard (a lost one
 * is simply the next one).
 */
export function outboxChannel(outbox: Outbox, client: ServerClient): ReportChannel {
  const direct = dashboardChannel(client);
  return {
    async report(report) {
      const outcome = await outbox.sendReport(report);
      if (outcome.status === "delivered") return { digest: outcome.digest, health: outcome.health };
      throw new Error(outcome.status === "kept" ? `${outcome.error} (kept, and sent when the dashboard answers)` : outcome.error);
    },
    heartbeat: (beat) => direct.heartbeat(beat),
  };
}

export interface ReporterOptions {
  probes: ProbeContext;
  channel: ReportChannel;
  heartbeatMs: number;
  /** Quiet time after the last GOCACHE write before a rescan. */
  settleMs?: number;
  /** A burst of writes that never stops is rescanned this often anyway. */
  maxSettleWaitMs?: number;
  /** Changes go up at most this often (default: heartbeatsBetweenChangeReports heartbeats). */
  changeGapMs?: number;
  /** Without a working watch, GOCACHE is rescanned this often. */
  unwatchedRescanMs?: number;
  log: (message: string) => void;
}

export interface ReporterCounters {
  heartbeats: number;
  fullReports: number;
  /** Checks that collected something (a scan, or probes). */
  collections: number;
  scans: number;
  spawningCollections: number;
}

export class Reporter {
  readonly counters: ReporterCounters = { heartbeats: 0, fullReports: 0, collections: 0, scans: 0, spawningCollections: 0 };
  #lastCollected: AgentReport | null = null;
  #lastFullCollectionAt: number | null = null;
  #lastScanAt = 0;
  #lastSent: SentReport | null = null;
  #trigger: Trigger | null = "start";
  #cacheChanged = false;
  #signature: string | null = null;
  #watched: { gocache: string; watcher: CacheWatcher } | null = null;
  readonly #settle: SettleTimer;
  #timer: NodeJS.Timeout | null = null;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(private readonly options: ReporterOptions) {
    this.#settle = new SettleTimer(options.settleMs ?? 5_000, options.maxSettleWaitMs ?? 5 * 60_000, () => {
      this.#cacheChanged = true;
      void this.check();
    });
  }

  /** The first check (a full report), then one every heartbeat interval. */
  async start(): Promise<void> {
    await this.check();
    this.#timer = setInterval(() => void this.check(), this.options.heartbeatMs);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#settle.cancel();
    this.#watched?.watcher.close();
    this.#watched = null;
  }

  /** A full report after this check, whatever changed (e.g. a command ran). */
  async fullReport(trigger: Trigger): Promise<void> {
    this.#trigger = trigger;
    await this.check();
  }

  /** One check; checks run one at a time, in order. */
  check(): Promise<void> {
    this.#queue = this.#queue.then(() => this.#check()).catch((error: unknown) => this.options.log(`report check failed: ${errorMessage(error)}`));
    return this.#queue;
  }

  async #check(): Promise<void> {
    if (this.#stopped) return;
    const now = Date.now();
    const signature = this.#lastCollected ? this.#inputsSignature(this.#lastCollected) : null;
    const unwatched = this.#watched === null || !this.#watched.watcher.watching;
    const collection = collectionFor({
      trigger: this.#trigger,
      cacheChanged: this.#cacheChanged || (unwatched && now - this.#lastScanAt >= (this.options.unwatchedRescanMs ?? 30 * 60_000)),
      probeInputsChanged: signature !== this.#signature,
      sinceFullCollectionMs: this.#lastFullCollectionAt === null ? null : now - this.#lastFullCollectionAt,
    });
    if (collection) await this.#collect(collection);
    const candidate = this.#lastCollected;
    if (!candidate) return;
    const reason = fullReportReason(this.#lastSent, candidate, this.#trigger, now, this.options.changeGapMs ?? heartbeatsBetweenChangeReports * this.options.heartbeatMs);
    if (reason) {
      if (await this.#sendReport(candidate, reason)) this.#trigger = null;
      return;
    }
    try {
      const ack = await this.options.channel.heartbeat({ agentVersion, reportDigest: this.#lastSent?.digest ?? null });
      this.counters.heartbeats += 1;
      if (ack.sendFullReport) {
        this.options.log("the dashboard asked for a full report");
        this.#trigger = "dashboard-asked";
        await this.#check();
      }
    } catch (error) {
      this.options.log(`heartbeat failed: ${errorMessage(error)}`);
    }
  }

  async #collect(collection: Collection): Promise<void> {
    const { probes } = this.options;
    const previous = this.#lastCollected;
    const everything = !previous || (collection.spawning && collection.scan);
    const takenAt = probes.now();
    const go = collection.spawning || !previous ? await probeGo(probes.go) : previous.go;
    const env = go.status === "ok" ? go.env : null;
    const gocache = env ? env.GOCACHE : null;
    // A GOCACHE moved by `go env -w` is scanned at once.
    const previousGocache = previous?.go.status === "ok" ? previous.go.env.GOCACHE : null;
    const scanning = collection.scan || !previous || gocache !== previousGocache;
    if (scanning) {
      // Cleared before the scan: writes during it are seen by the next one.
      this.#cacheChanged = false;
      this.#lastScanAt = Date.now();
      this.counters.scans += 1;
    }
    const scan = scanning || !previous ? await probeScan(gocache, probes.scanStateFile) : previous.scan;
    const spawning = collection.spawning || !previous ? await collectSpawningProbes(probes, env) : previous.probes;
    const files = await collectFileProbes(probes, env, scan);
    // Where the cache lives (file system, backups, indexing, disk encryption) spawns tmutil, mdutil
    // and fdesetup: probed with the other spawning probes, and again when GOCACHE moved.
    const placement =
      collection.spawning || !previous || gocache !== previousGocache ? await probePlacement(probes, gocache).catch(() => undefined) : previous.placement;
    this.#lastCollected = AgentReport.parse({
      id: randomUUID(),
      agentVersion,
      takenAt: takenAt.toISOString(),
      machine: machineIdentity(probes.machineName),
      // Every full report carries it: the dashboard keeps a machine's zone from its latest report.
      timeZone: machineTimeZone(probes.timeZoneVariable),
      go,
      scan,
      probes: { goToolchain: spawning.goToolchain, hardware: spawning.hardware, keychain: spawning.keychain, tools: spawning.tools, ...files },
      // A file read, cheap: the encrypted cache helper's counters for this GOCACHE.
      cacheHits: readCacheHits(probes, gocache),
      placement,
    });
    this.counters.collections += 1;
    if (collection.spawning || !previous) this.counters.spawningCollections += 1;
    if (everything) this.#lastFullCollectionAt = Date.now();
    this.#signature = this.#inputsSignature(this.#lastCollected);
    this.#watch(gocache && gocache !== "off" ? gocache : null);
  }

  async #sendReport(report: AgentReport, reason: string): Promise<boolean> {
    try {
      const answer = await this.options.channel.report(report);
      const digest = reportDigest(report);
      if (answer.digest !== digest) this.options.log("the dashboard computed another digest for this report; its own is kept");
      this.#lastSent = { report, sentAt: Date.now(), digest: answer.digest };
      this.counters.fullReports += 1;
      const entries = report.scan.status === "ok" ? `${report.scan.summary.entries.count} entries, ${report.scan.summary.verdict}` : report.scan.message;
      this.options.log(`reported: ${entries}; health ${answer.health} (${reason})`);
      return true;
    } catch (error) {
      this.options.log(`report failed: ${errorMessage(error)}`);
      return false;
    }
  }

  /** Watches `gocache` (once; again when GOCACHE moved or its watch ended). */
  #watch(gocache: string | null): void {
    if (this.#watched && this.#watched.gocache === gocache && this.#watched.watcher.watching) return;
    this.#watched?.watcher.close();
    this.#watched = null;
    if (!gocache || this.#stopped) return;
    const watcher = watchCache(
      gocache,
      this.options.probes.platform,
      () => this.#settle.poke(),
      (error) => this.options.log(`watching ${gocache} failed (${errorMessage(error)}); rescanning on a timer instead`),
    );
    this.#watched = { gocache, watcher };
  }

  /** A stat of everything the spawning and file-only probes read, besides GOCACHE's entries. */
  #inputsSignature(report: AgentReport): string {
    const { probes } = this.options;
    const env: GoEnv | null = report.go.status === "ok" ? report.go.env : null;
    const goBinary = resolveGoBinary(probes.go.binary, probes.pathDirs);
    const gobin = env ? gobinOf(env) : null;
    const { sdkDir, homebrewCellars, usrLocalGo, distroDir } = probes.toolchainLocations;
    const paths = [
      ...(goBinary ? [goBinary] : []),
      // Not GOCACHE itself: the permissions probe's link test touches it on every collection.
      ...(env ? [env.GOENV, env.GOROOT, path.join(env.GOROOT, "VERSION")] : []),
      ...(gobin ? [gobin.dir] : []),
      ...probes.pathDirs,
      sdkDir,
      ...homebrewCellars,
      usrLocalGo,
      ...(distroDir ? [distroDir] : []),
      ...(probes.platform === "darwin"
        ? [path.join(probes.home, "Library", "Keychains", "login.keychain-db"), path.join(probes.home, "Library", "LaunchAgents"), "/System/Library/CoreServices/SystemVersion.plist"]
        : []),
    ];
    return `${probes.go.binary}\n${statSignature(paths)}`;
  }
}
