// The migration plan: backup → clean (`go clean -cache`) → reinit (`go list std`) → verify
// (rescan). A failed step stops the plan and leaves any backup in place; clean never runs unless
// the backup verified or the admin chose no backup.
import type { CommandResult, MigrateOptions, StepName, StepStatus, Tally } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { backupCache } from "./backup.js";
import { GoCommandError, tail, type GoRunner } from "./commands.js";
import { errorMessage } from "./report.js";

export interface StepSink {
  /** Reports a step's status with the log lines gathered since the previous call. */
  update(step: StepName, status: StepStatus, log: string): Promise<void>;
}

export interface MigrationContext {
  gocache: string;
  runner: GoRunner;
  sink: StepSink;
  now?: () => Date;
  /** Free space reading, replaceable in tests. */
  freeBytes?: (dir: string) => number;
  /**
   * Called once `go clean -cache` succeeded, so the agent's state can record the clean: after it,
   * entries from an earlier Go version are gone (see agent-state.ts).
   */
  onCleaned?: (at: Date) => void;
}

class StepFailed extends Error {
  constructor(
    readonly step: StepName,
    message: string,
  ) {
    super(message);
  }
}

function tallyOf(gocache: string): Tally {
  return scanCache(gocache).entries;
}

export async function runMigration(context: MigrationContext, options: MigrateOptions, commandId: string): Promise<CommandResult> {
  const started = Date.now();
  const now = context.now ?? (() => new Date());
  let before: Tally | null = null;
  let after: Tally | null = null;
  let backupPath: string | null = null;

  async function step(name: StepName, work: (log: (line: string) => void) => Promise<void>): Promise<void> {
    let buffered = "";
    const log = (line: string) => {
      buffered += `${line}\n`;
    };
    const flush = () => {
      const chunk = buffered;
      buffered = "";
      return chunk;
    };
    await context.sink.update(name, "running", "");
    // Long steps stream their log every half second rather than at the end.
    const timer = setInterval(() => {
      if (buffered) void context.sink.update(name, "running", flush()).catch(() => undefined);
    }, 500);
    try {
      await work(log);
    } catch (error) {
      log(`error: ${errorMessage(error)}`);
      clearInterval(timer);
      await context.sink.update(name, "failed", flush());
      throw new StepFailed(name, errorMessage(error));
    }
    clearInterval(timer);
    await context.sink.update(name, "succeeded", flush());
  }

  async function runGo(kind: "cleanCache" | "listStd", log: (line: string) => void): Promise<void> {
    const result = await context.runner.run(kind, log);
    if (result.exitCode !== 0) throw new GoCommandError(kind, { ...result, stderr: tail(result.stderr, 4000) });
  }

  try {
    before = tallyOf(context.gocache);
    if (options.backup) {
      await step("backup", async (log) => {
        const backup = await backupCache(context.gocache, { at: now(), freeBytes: context.freeBytes, log });
        backupPath = backup.path;
      });
    }
    await step("clean", async (log) => {
      await runGo("cleanCache", log);
      try {
        context.onCleaned?.(now());
      } catch (error) {
        // The cache is clean either way, and the entries rebuilt after it are newer than any version change.
        log(`could not record the clean: ${errorMessage(error)}`);
      }
    });
    await step("reinit", (log) => runGo("listStd", log));
    await step("verify", async (log) => {
      const summary = scanCache(context.gocache);
      after = summary.entries;
      log(`${summary.entries.count} entries, ${summary.entries.bytes} bytes; verdict ${summary.verdict}`);
      if (summary.verdict === "mixed") throw new Error("The cache still mixes plaintext and encrypted entries.");
    });
    return { commandId, status: "succeeded", error: null, failedStep: null, before, after, backupPath, prunedBackups: [], durationMs: Date.now() - started };
  } catch (error) {
    const failedStep = error instanceof StepFailed ? error.step : null;
    return {
      commandId,
      status: "failed",
      error: errorMessage(error).slice(0, 4000),
      failedStep,
      before,
      after,
      backupPath,
      prunedBackups: [],
      durationMs: Date.now() - started,
    };
  }
}
