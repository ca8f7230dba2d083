// `cachefleet-agent migrate` and `disable` at the Mac: the same plan the dashboard pushes, run by
// the same runner, with each step's status and log printed as it happens. A plan that changes the
// cache asks first, unless --yes; without a terminal to ask on, it refuses instead of guessing.
import { randomUUID } from "node:crypto";
import readline from "node:readline/promises";
import { defaultTimeoutSeconds, planSteps, type CommandResult, type CommandSpec, type StepName, type StepStatus } from "@cachefleet/contract";
import { recordClean, updateState } from "./agent-state.js";
import { readGoEnv } from "./commands.js";
import { goBuildInProgress } from "./daemon.js";
import { runPlan, type StepSink } from "./plan-runner.js";
import type { ProbeContext } from "./probes/context.js";

export type LocalPlanSpec = Extract<CommandSpec, { kind: "migrate" | "disable" }>;

/** Why a local plan may not run without asking, or null: --yes, or a terminal to confirm on. */
export function confirmationProblem(kind: LocalPlanSpec["kind"], yes: boolean, interactive: boolean): string | null {
  if (yes || interactive) return null;
  return `${kind} changes this machine's build cache and asks for confirmation, but there is no terminal to ask on; run it again with --yes.`;
}

/** What the plan will do, one line per step, for the confirmation question. */
export function describePlan(spec: LocalPlanSpec, gocache: string): string[] {
  const what: Record<StepName, string> = {
    scan: "scan the cache",
    backup: `copy ${gocache} to a dated backup beside it`,
    clean: `empty ${gocache} (go clean -cache)`,
    enable: "create the cache key if missing and set GOCACHEPROG to Cachefleet's encrypted cache helper (go env -w)",
    reinit: "rebuild the standard library's entries through the helper (go list std)",
    verify: "check the helper, the key, a probe build that hits and a scan with no plaintext",
    disable: "remove GOCACHEPROG from your go env file (go env -u), back to Go's own disk cache",
    prune: "remove old backups",
    "rotate-key": "re-seal every entry under a new key",
    trim: "delete the entries Go's own trim calls unused",
    exclude: "exclude the cache from Time Machine backups (tmutil addexclusion)",
    persist: "set GOBIN if unset and add the LaunchAgent that puts it on the PATH apps see",
  };
  return planSteps(spec).map(({ step, skipped }) => `  ${skipped ? "(skipped) " : ""}${step}: ${what[step]}`);
}

export async function confirm(question: string): Promise<boolean> {
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/** Prints each step's status changes and log lines as they arrive. */
export function printingSink(write: (line: string) => void): StepSink {
  const last = new Map<StepName, StepStatus>();
  return {
    async update(step, status, log) {
      for (const line of log.split("\n")) if (line !== "") write(`  ${step}: ${line}`);
      if (last.get(step) !== status) {
        last.set(step, status);
        write(`${status === "running" ? "→" : status === "succeeded" ? "✓" : status === "skipped" ? "-" : "✗"} ${step} ${status}`);
      }
      return { cancelRequested: false };
    },
  };
}

export async function runLocalPlan(probes: ProbeContext, spec: LocalPlanSpec, write: (line: string) => void): Promise<CommandResult> {
  const env = await readGoEnv(probes.go);
  return runPlan(
    {
      gocache: env.GOCACHE,
      runner: probes.go,
      sink: printingSink(write),
      now: probes.now,
      onCleaned: (at) => updateState(probes.stateFile, (state) => recordClean(state, env.GOCACHE, at)),
      busyReason: () => goBuildInProgress(probes, env.GOCACHE),
      ...(probes.cacheHelper ? { cacheHelper: probes.cacheHelper } : {}),
      // Locally a long step reports only when it has something to say.
      heartbeatMs: 60 * 60 * 1000,
    },
    { id: `local-${randomUUID()}`, spec, timeoutSeconds: defaultTimeoutSeconds[spec.kind] },
  );
}
