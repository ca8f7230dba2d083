// Runs one command's plan (see plan-state.ts) for real: each step's work, its live log, a heartbeat
// that keeps the server's lease and brings back cancel requests, the command's time limit, and the
// journal that lets a restarted agent report an interruption. Any backup is always kept. The
// encrypted cache steps (enable, verify, disable, rotate-key) live in cache-steps.ts.
import fs from "node:fs";
import type { CommandResult, CommandSpec, MigrateOptions, StepName, StepStatus, Tally } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { backupCache, listPartialCopies } from "./backup.js";
import type { CacheHelper } from "./cache-helper.js";
import { disableHelper, enableHelper, refusalBeforePlan, verifyEncryptedCache } from "./cache-steps.js";
import { GoCommandError, tail, type CommandRunner, type GoRunner } from "./commands.js";
import { parseIsExcluded } from "./probes/placement.js";
import { advance, initialPlan, reduce, type PlanState } from "./plan-state.js";
import { backupsOlderThan, listBackups } from "./prune.js";
import { atLowPriority, trimCache } from "./trim.js";
import { cleanCacheInBatches } from "./batched-clean.js";
import { summarizePackageListing } from "./package-listing.js";
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
  /** The encrypted cache helper and its key store; without it, enable, verify, disable and rotate-key refuse. */
  cacheHelper?: CacheHelper;
  /**
   * Where the command is, for the journal (see journal.ts): a step whose work starts (`done`
   * false) or that succeeded (`done` true). Never called once runPlan has returned.
   */
  onProgress?: (step: StepName | null, backupPath: string | null, done?: boolean) => void;
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
const changesCache = new Set<CommandSpec["kind"]>(["backup", "clean", "reinit", "migrate", "disable", "rotate-key", "clean-in-batches"]);

class TimedOut extends Error {}

export async function runPlan(context: PlanContext, command: PlannedCommand): Promise<CommandResult> {
  const started = Date.now();
  const now = context.now ?? (() => new Date());
  const deadline = new AbortController();
  const limitMs = command.timeoutSeconds * 1000;
  const timer = setTimeout(() => deadline.abort(new TimedOut(`Ran past its ${command.timeoutSeconds} s limit.`)), limitMs);
  let state: PlanState = initialPlan(command.spec);
  // Work that outlives the plan (it should not: every step stops on the deadline) must not move
  // the journal, or the next start would report an interruption that never happened.
  let ended = false;
  const progress = (step: StepName | null, backupPath: string | null, done = false) => {
    if (!ended) context.onProgress?.(step, backupPath, done);
  };
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
    // Refusals that need no step to run (Go too old, another helper configured) come before any backup or clean.
    const refusal = await refusalBeforePlan(command.spec, context.runner, context.cacheHelper, deadline.signal);
    if (refusal) {
      state = { ...state, outcome: "failed", error: refusal };
      return result();
    }
    if (fs.existsSync(context.gocache)) figures.before = scanCache(context.gocache).entries;

    for (;;) {
      const advanced = advance(state);
      state = advanced.state;
      if (!advanced.next) break;
      const step = advanced.next;
      // The journal names the step before the dashboard hears of it, so an agent killed once the
      // dashboard shows it running always reports that step; it is moved on only when the step
      // succeeded (done), never ahead of the work.
      progress(step, figures.backupPath);
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
        deadline.signal.throwIfAborted();
        // Each step stops its own work when the deadline fires (a copy between files, a go
        // command by its signal), so nothing runs on after the plan has ended.
        await runStep(step, log);
        clearInterval(streaming);
        state = reduce(state, { type: "step-succeeded", step });
        progress(step, figures.backupPath, true);
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
    progress(null, figures.backupPath);
    ended = true;
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
          signal: deadline.signal,
          freeBytes: context.freeBytes,
          log,
          onDestination: (partial) => progress("backup", partial),
          afterCopy: context.afterBackupCopy,
        });
        figures.backupPath = backup.path;
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
      case "reinit": {
        // Its ~300 package names stay out of the log (package-listing.ts); stderr lines stay in.
        const listed = await context.runner.run("listStd", undefined, deadline.signal);
        for (const line of listed.stderr.split("\n")) if (line.trim() !== "") log(line);
        if (listed.exitCode !== 0) throw new GoCommandError("listStd", { ...listed, stderr: tail(listed.stderr, 4000) });
        log(summarizePackageListing(listed.stdout));
        return;
      }
      case "enable":
        await enableHelper({ runner: context.runner, helper: context.cacheHelper, log, signal: deadline.signal });
        return;
      case "verify": {
        const summary = await verifyEncryptedCache({ gocache: context.gocache, runner: context.runner, helper: context.cacheHelper, log, signal: deadline.signal });
        figures.after = summary.entries;
        return;
      }
      case "disable":
        await disableHelper({ runner: context.runner, helper: context.cacheHelper, log, signal: deadline.signal });
        return;
      case "rotate-key": {
        if (!context.cacheHelper) throw new Error("This agent has no cache helper, so there is no key to rotate.");
        const rotation = await context.cacheHelper.rotateKey({ gocache: context.gocache, log, signal: deadline.signal });
        log(`re-sealed ${rotation.resealed} entries under the new key; dropped ${rotation.dropped} that could not be opened`);
        const summary = scanCache(context.gocache);
        figures.after = summary.entries;
        return;
      }
      case "prune": {
        const days = command.spec.kind === "prune-backups" ? command.spec.options.olderThanDays : 30;
        const old = backupsOlderThan(listBackups(context.gocache), days, now());
        if (old.length === 0) log(`no backups older than ${days} days`);
        // The agent runs one command at a time, so no partial copy is being written now.
        for (const partial of listPartialCopies(context.gocache)) {
          deadline.signal.throwIfAborted();
          log(`removing ${partial}, a copy a backup left unfinished (never a backup)`);
          await fs.promises.rm(partial, { recursive: true, force: true });
        }
        for (const backup of old) {
          deadline.signal.throwIfAborted();
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

/** A migration, as the tests and older callers ask for it. */
export function runMigration(context: PlanContext, options: MigrateOptions, commandId: string, timeoutSeconds = 600): Promise<CommandResult> {
  return runPlan(context, { id: commandId, spec: { kind: "migrate", options }, timeoutSeconds });
}
