// Runs one command's plan (see plan-state.ts) for real: each step's work, its live log, a heartbeat
// that keeps the server's lease and brings back cancel requests, the command's time limit, and the
// journal that lets a restarted agent report an interruption. Any backup is always kept.
import fs from "node:fs";
import type { CommandResult, CommandSpec, MigrateOptions, StepName, StepStatus, Tally } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { backupCache } from "./backup.js";
import { GoCommandError, tail, type CommandRunner, type GoRunner } from "./commands.js";
import { parseIsExcluded } from "./probes/placement.js";
import { advance, initialPlan, reduce, type PlanState } from "./plan-state.js";
import { backupsOlderThan, listBackups } from "./prune.js";
import { atLowPriority, trimCache } from "./trim.js";
import { cleanCacheInBatches } from "./batched-clean.js";
import { persistEnv } from "./persist-env.js";
import { errorMessage } from "./report.js";

export interface StepSink {
  /** Reports a step's status with the log lines since the last call; says whether to cancel. */
  update(step: StepName, status: StepStatus, log: string): Promise<{ cancelRequested: boolean } | void>;
}

export interface PlanContext {
  gocache: string;
  runner: GoRunner;
  /** System tools (tmutil) for the steps that need them, and the platform they run on. */
  commands?: CommandRunner;
  platform?: NodeJS.Platform;
  /** The developer's home folder and uid, for persist-env's LaunchAgent. */
  home?: string;
  uid?: number | null;
  sink: StepSink;
  now?: () => Date;
  /** Free space reading, replaceable in tests. */
  freeBytes?: (dir: string) => number;
  /** Called once `go clean -cache` succeeded, so the agent's state records the clean. */
  onCleaned?: (at: Date) => void;
  /** A reason not to touch the cache now (a Go build running), or null. Checked before starting. */
  busyReason?: () => Promise<string | null>;
  /** Why the verified cache is still not usable (e.g. the Keychain item is missing), or null. */
  verifyProblem?: () => Promise<string | null>;
  /** Where the command is, for the journal (see journal.ts). */
  onProgress?: (step: StepName | null, backupPath: string | null) => void;
  /** How often a running step reports even without new log lines. */
  heartbeatMs?: number;
  /** Runs between the backup copy and its verification; tests damage the copy here. */
  afterBackupCopy?: (destination: string) => void;
}

export interface PlannedCommand {
  id: string;
  spec: CommandSpec;
  timeoutSeconds: number;
}

/** Kinds that change the cache and so must not race a running Go build. */
const changesCache = new Set<CommandSpec["kind"]>(["backup", "clean", "reinit", "migrate", "clean-in-batches"]);

class TimedOut extends Error {}

export async function runPlan(context: PlanContext, command: PlannedCommand): Promise<CommandResult> {
  const started = Date.now();
  const now = context.now ?? (() => new Date());
  const deadline = new AbortController();
  const limitMs = command.timeoutSeconds * 1000;
  const timer = setTimeout(() => deadline.abort(new TimedOut(`Ran past its ${command.timeoutSeconds} s limit.`)), limitMs);
  let state: PlanState = initialPlan(command.spec);
  const figures: { before: Tally | null; after: Tally | null; backupPath: string | null; pruned: string[] } = {
    before: null,
    after: null,
    backupPath: null,
    pruned: [],
  };

  const result = (): CommandResult => ({
    commandId: command.id,
    status: state.outcome ?? "failed",
    error: state.error ? state.error.slice(0, 8000) : null,
    failedStep: state.failedStep,
    before: figures.before,
    after: figures.after,
    backupPath: figures.backupPath,
    prunedBackups: figures.pruned,
    durationMs: Date.now() - started,
  });

  try {
    const busy = changesCache.has(command.spec.kind) ? await context.busyReason?.() : null;
    if (busy) {
      state = { ...state, outcome: "failed", error: busy };
      return result();
    }
    if (fs.existsSync(context.gocache)) figures.before = scanCache(context.gocache).entries;

    for (;;) {
      const advanced = advance(state);
      state = advanced.state;
      if (!advanced.next) break;
      const step = advanced.next;
      context.onProgress?.(step, figures.backupPath);
      await report(step, "running", "");
      let buffered = "";
      let lastSent = Date.now();
      const log = (line: string) => {
        buffered += `${line}\n`;
      };
      const flush = async (status: StepStatus) => {
        const chunk = buffered;
        buffered = "";
        lastSent = Date.now();
        await report(step, status, chunk);
      };
      // Long steps stream their log every half second, and say they are alive at least every
      // heartbeat so the server's lease holds and a cancel request comes back.
      const heartbeatMs = context.heartbeatMs ?? 15_000;
      const streaming = setInterval(() => {
        if (buffered || Date.now() - lastSent >= heartbeatMs) void flush("running").catch(() => undefined);
      }, 500);
      try {
        await Promise.race([runStep(step, log), abortedBy(deadline.signal)]);
        clearInterval(streaming);
        state = reduce(state, { type: "step-succeeded", step });
        await flush("succeeded");
      } catch (error) {
        clearInterval(streaming);
        const timedOut = deadline.signal.aborted;
        const message = timedOut ? errorMessage(deadline.signal.reason) : errorMessage(error);
        log(`error: ${message}`);
        state = timedOut ? reduce(state, { type: "timed-out", error: message }) : reduce(state, { type: "step-failed", step, error: message });
        await flush("failed").catch(() => undefined);
      }
    }
    for (const entry of state.steps) {
      if (entry.status === "cancelled") await report(entry.step, "cancelled", "").catch(() => undefined);
    }
    return result();
  } catch (error) {
    // The server could not be told (or an unexpected fault): the plan stops where it is.
    state = { ...state, outcome: state.outcome ?? "failed", error: state.error ?? errorMessage(error) };
    return result();
  } finally {
    clearTimeout(timer);
    context.onProgress?.(null, figures.backupPath);
  }

  async function report(step: StepName, status: StepStatus, text: string): Promise<void> {
    const ack = await context.sink.update(step, status, text);
    if (ack?.cancelRequested) state = reduce(state, { type: "cancel-requested" });
  }

  async function runGo(kind: "cleanCache" | "listStd", log: (line: string) => void): Promise<void> {
    const outcome = await context.runner.run(kind, log, deadline.signal);
    if (outcome.exitCode !== 0) throw new GoCommandError(kind, { ...outcome, stderr: tail(outcome.stderr, 4000) });
  }

  async function runStep(step: StepName, log: (line: string) => void): Promise<void> {
    switch (step) {
      case "scan": {
        const summary = scanCache(context.gocache);
        figures.after = summary.entries;
        log(`${summary.entries.count} entries, ${summary.entries.bytes} bytes; verdict ${summary.verdict}`);
        return;
      }
      case "backup": {
        const backup = await backupCache(context.gocache, {
          at: now(),
          freeBytes: context.freeBytes,
          log,
          onDestination: (destination) => context.onProgress?.("backup", destination),
          afterCopy: context.afterBackupCopy,
        });
        figures.backupPath = backup.path;
        context.onProgress?.("backup", backup.path);
        return;
      }
      case "clean":
        if (command.spec.kind === "clean-in-batches") await atLowPriority(() => cleanCacheInBatches(context.gocache, { log, signal: deadline.signal }));
        else await runGo("cleanCache", log);
        try {
          context.onCleaned?.(now());
        } catch (error) {
          // The cache is clean either way, and the entries rebuilt after it are newer than any version change.
          log(`could not record the clean: ${errorMessage(error)}`);
        }
        return;
      case "reinit":
        await runGo("listStd", log);
        return;
      case "verify": {
        const summary = scanCache(context.gocache);
        figures.after = summary.entries;
        log(`${summary.entries.count} entries, ${summary.entries.bytes} bytes; verdict ${summary.verdict}`);
        if (summary.verdict === "mixed") throw new Error("The cache still mixes plaintext and encrypted entries.");
        const problem = await context.verifyProblem?.();
        if (problem) throw new Error(problem);
        return;
      }
      case "prune": {
        const days = command.spec.kind === "prune-backups" ? command.spec.options.olderThanDays : 30;
        const old = backupsOlderThan(listBackups(context.gocache), days, now());
        if (old.length === 0) log(`no backups older than ${days} days`);
        for (const backup of old) {
          log(`removing ${backup.path} (taken ${backup.takenAt.toISOString()})`);
          await fs.promises.rm(backup.path, { recursive: true, force: true });
          figures.pruned.push(backup.path);
        }
        return;
      }
      case "exclude": {
        if ((context.platform ?? process.platform) !== "darwin") throw new Error("Time Machine exists only on macOS: there is no backup to exclude GOCACHE from.");
        if (!context.commands) throw new Error("No system tools are available to this plan.");
        const added = await context.commands.run({ kind: "tmutil-addexclusion", path: context.gocache }, log, deadline.signal);
        if (added.exitCode !== 0) throw new Error(`tmutil addexclusion exited ${added.exitCode}: ${tail(added.stderr || added.stdout, 2000)}`);
        const check = await context.commands.run({ kind: "tmutil-isexcluded", path: context.gocache }, log, deadline.signal);
        if (parseIsExcluded(check.stdout) !== true) throw new Error(`Time Machine still includes ${context.gocache} after tmutil addexclusion.`);
        log(`Time Machine now excludes ${context.gocache}`);
        return;
      }
      case "persist": {
        if ((context.platform ?? process.platform) !== "darwin") throw new Error("LaunchAgents exist only on macOS: there is no GUI PATH to persist GOBIN on.");
        if (!context.commands || !context.home || context.uid === undefined || context.uid === null) throw new Error("No home folder, uid or system tools are available to this plan.");
        await persistEnv({ go: context.runner, commands: context.commands, home: context.home, uid: context.uid, now: now(), log });
        return;
      }
      case "trim": {
        const olderThanDays = command.spec.kind === "trim" ? command.spec.options.olderThanDays : 5;
        const outcome = await atLowPriority(() => trimCache(context.gocache, { olderThanDays, now: now(), log, signal: deadline.signal }));
        figures.after = scanCache(context.gocache).entries;
        if (outcome.failed > 0) throw new Error(`${outcome.failed} entries could not be removed; the other ${outcome.removed.count} were.`);
        return;
      }
    }
  }
}

function abortedBy(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** A migration, as the tests and older callers ask for it. */
export function runMigration(context: PlanContext, options: MigrateOptions, commandId: string, timeoutSeconds = 600): Promise<CommandResult> {
  return runPlan(context, { id: commandId, spec: { kind: "migrate", options }, timeoutSeconds });
}
