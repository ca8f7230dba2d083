// `cachefleet-agent migrate` and `disable`: the dashboard's plan, run here with each step printed;
// asks first unless --yes (local-plan.ts).
import { readGoEnv } from "../../commands.js";
import { confirm, confirmationProblem, describePlan, runLocalPlan, type LocalPlanSpec } from "../../local-plan.js";
import { flag, probeContext } from "../context.js";
import { UsageError } from "../errors.js";
import type { CommandHandler } from "../table.js";

export const plan: CommandHandler = async ({ name, values, env, readOnly }) => {
  const options = { backup: !flag(values, "no-backup") };
  const spec: LocalPlanSpec = name === "migrate" ? { kind: "migrate", options } : { kind: "disable", options };
  const yes = flag(values, "yes");
  const refusal = confirmationProblem(spec.kind, yes, process.stdin.isTTY === true && process.stdout.isTTY === true);
  if (refusal) throw new UsageError(refusal, name);
  const probes = probeContext(env, readOnly);
  if (!yes) {
    const gocache = (await readGoEnv(probes.go)).GOCACHE;
    console.log(`${spec.kind === "migrate" ? "Migrating" : "Disabling the encrypted cache on"} ${gocache} will:`);
    for (const line of describePlan(spec, gocache)) console.log(line);
    if (!(await confirm("Continue? [y/N] "))) {
      console.log("Nothing was changed.");
      return 1;
    }
  }
  const result = await runLocalPlan(probes, spec, (line) => console.log(line));
  if (result.backupPath) console.log(`Backup kept at ${result.backupPath}`);
  if (result.status === "succeeded") {
    console.log(spec.kind === "migrate" ? "Done: this machine now uses Cachefleet's encrypted build cache." : "Done: this machine uses Go's own disk cache again.");
    return 0;
  }
  console.error(`${name} ${result.status}${result.failedStep ? ` at ${result.failedStep}` : ""}: ${result.error ?? "no reason given"}`);
  return 1;
};
