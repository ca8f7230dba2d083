// What the agent is doing right now, on disk, so that an agent killed mid-command can say so when
// it starts again: the command is reported `interrupted` with its step, and any backup path.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { StepName } from "@cachefleet/contract";

const RunningCommand = z.object({
  commandId: z.string().min(1),
  kind: z.string(),
  step: StepName.nullable(),
  startedAt: z.iso.datetime(),
  backupPath: z.string().nullable(),
});
export type RunningCommand = z.infer<typeof RunningCommand>;

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
  const parsed = RunningCommand.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

export function clearJournal(file: string): void {
  fs.rmSync(file, { force: true });
}

/** The message an interrupted command is reported with: where it stopped and what is left. */
export function interruptionMessage(entry: RunningCommand): string {
  const where = entry.step ? `during its ${entry.step} step` : "before its first step";
  const backup = !entry.backupPath
    ? ""
    : entry.step === "backup"
      ? ` The copy at ${entry.backupPath} was not verified and is left in place; the cache itself is untouched.`
      : ` The backup at ${entry.backupPath} is kept.`;
  const clean = entry.step === "clean" ? " The cache may be partly cleaned; it rebuilds on the next build." : "";
  return `The agent stopped ${where} (killed, crashed or the machine restarted).${backup}${clean}`;
}
