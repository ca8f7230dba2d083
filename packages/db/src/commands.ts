// The command queue, in the database so any dashboard instance can serve any agent. Every state
// change is one conditional statement, so two instances can never both claim a command.
import { CommandResult, CommandSpec, type StepName, type StepProgress } from "@cachefleet/contract";
import type { Db } from "./client.js";

/** Each step keeps the tail of its log; older lines are dropped with a note. */
export const maxStepLogBytes = 64 * 1024;
const trimmedNote = "[earlier output trimmed]\n";

function stepsOf(spec: CommandSpec): { step: StepName; status: "pending" | "skipped" }[] {
  if (spec.kind === "rescan") return [{ step: "scan", status: "pending" }];
  return [
    { step: "backup", status: spec.options.backup ? "pending" : "skipped" },
    { step: "clean", status: "pending" },
    { step: "reinit", status: "pending" },
    { step: "verify", status: "pending" },
  ];
}

export async function enqueueCommand(db: Db, machineId: string, spec: CommandSpec, createdById: string | null): Promise<string> {
  const command = await db.command.create({
    data: {
      machineId,
      kind: spec.kind,
      options: JSON.stringify(spec.options),
      createdById,
      steps: { create: stepsOf(spec).map((step, position) => ({ ...step, position })) },
    },
  });
  return command.id;
}

export interface QueuedCommand {
  id: string;
  spec: CommandSpec;
  createdAt: Date;
}

export async function pendingCommands(db: Db, machineId: string): Promise<QueuedCommand[]> {
  const rows = await db.command.findMany({ where: { machineId, status: "pending" }, orderBy: { createdAt: "asc" }, take: 20 });
  return rows.map((row) => ({
    id: row.id,
    spec: CommandSpec.parse({ kind: row.kind, options: JSON.parse(row.options) }),
    createdAt: row.createdAt,
  }));
}

/** Marks a pending command running for this machine; false when it was already claimed. */
export async function claimCommand(db: Db, machineId: string, commandId: string): Promise<boolean> {
  const { count } = await db.command.updateMany({
    where: { id: commandId, machineId, status: "pending" },
    data: { status: "running", claimedAt: new Date() },
  });
  return count === 1;
}

export function appendLog(previous: string, addition: string): string {
  const combined = previous + addition;
  if (Buffer.byteLength(combined) <= maxStepLogBytes) return combined;
  const body = combined.startsWith(trimmedNote) ? combined.slice(trimmedNote.length) : combined;
  const keep = Buffer.from(body).subarray(-(maxStepLogBytes - trimmedNote.length)).toString();
  const lineStart = keep.indexOf("\n");
  return trimmedNote + (lineStart >= 0 ? keep.slice(lineStart + 1) : keep);
}

export async function recordStepProgress(db: Db, machineId: string, progress: StepProgress): Promise<boolean> {
  const step = await db.commandStep.findFirst({
    where: { commandId: progress.commandId, step: progress.step, command: { machineId, status: "running" } },
  });
  if (!step) return false;
  const now = new Date();
  await db.commandStep.update({
    where: { id: step.id },
    data: {
      status: progress.status,
      log: appendLog(step.log, progress.log),
      startedAt: step.startedAt ?? (progress.status === "running" ? now : null),
      finishedAt: ["succeeded", "failed", "skipped"].includes(progress.status) ? now : null,
    },
  });
  return true;
}

export async function recordCommandResult(db: Db, machineId: string, result: CommandResult): Promise<boolean> {
  const { count } = await db.command.updateMany({
    where: { id: result.commandId, machineId, status: "running" },
    data: { status: result.status, finishedAt: new Date(), result: JSON.stringify(result), error: result.error },
  });
  return count === 1;
}

export interface CommandView {
  id: string;
  kind: string;
  status: string;
  createdAt: Date;
  finishedAt: Date | null;
  createdBy: string | null;
  error: string | null;
  result: CommandResult | null;
  steps: { step: string; status: string; log: string; startedAt: Date | null; finishedAt: Date | null }[];
}

export async function listCommands(db: Db, machineId: string, take = 20): Promise<CommandView[]> {
  const rows = await db.command.findMany({
    where: { machineId },
    orderBy: { createdAt: "desc" },
    take,
    include: { steps: { orderBy: { position: "asc" } }, createdBy: { select: { email: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    createdBy: row.createdBy?.email ?? null,
    error: row.error,
    result: row.result ? CommandResult.parse(JSON.parse(row.result)) : null,
    steps: row.steps.map((step) => ({
      step: step.step,
      status: step.status,
      log: step.log,
      startedAt: step.startedAt,
      finishedAt: step.finishedAt,
    })),
  }));
}
