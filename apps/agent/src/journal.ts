// What the agent is doing right now, on disk, so that an agent killed mid-command can say so when
// it starts again: the command is reported `interrupted` with the step it had really reached
// (started, or finished with the next not yet begun), and any backup or partial copy's path.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { StepName } from "@cachefleet/contract";

const RunningCommand = z.object({
  commandId: z.string().min(1),
  kind: z.string(),
  step: StepName.nullable(),
  /** The step succeeded and the next had not started. */
  stepDone: z.boolean().default(false),
  startedAt: z.iso.datetime(),
  backupPath: z.string().nullable(),
});
export type RunningCommand = z.input<typeof RunningCommand>;

export function journalPath(agentHome: string): string {
  return path.join(agentHome, "running-command.json");
}

export function writeJournal(file: string, entry: RunningCommand): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

export function readJournal(file: string): RunningCommand | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = RunningCommand.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function clearJournal(file: string): void {
  fs.rmSync(file, { force: true });
}

/** The message an interrupted command is reported with: where it stopped and what is left. */
export function interruptionMessage(entry: RunningCommand): string {
  const why = "(killed, crashed or the machine restarted)";
  const backup = entry.backupPath;
  if (!entry.step) return `The agent stopped before its first step ${why}; nothing was changed.`;
  const where = `The agent stopped ${entry.stepDone ? "after" : "during"} its ${entry.step} step ${why}`;
  if (entry.step === "backup") {
    if (entry.stepDone) return `${where}: the verified backup at ${backup} is kept; the cache itself is untouched.`;
    const partial = backup ? ` The unfinished copy at ${backup} is not a backup; the next backup or prune-backups removes it.` : "";
    return `${where}.${partial} The cache itself is untouched.`;
  }
  const kept = backup ? ` The backup at ${backup} is kept.` : "";
  if (entry.step === "clean") {
    return entry.stepDone
      ? `${where}: the cache was emptied and rebuilds on the next build.${kept}`
      : `${where}: the cache may be partly cleaned; it rebuilds on the next build.${kept}`;
  }
  return `${where}.${kept}`;
}
