// The command queue, in the database so any dashboard instance can serve any agent. Every state
// change is one conditional statement, so two instances can never both claim a command.
import {
  CommandResult,
  CommandSpec,
  defaultTimeoutSeconds,
  planSteps,
  type CommandStatus,
  type StepProgress,
} from "@cachefleet/contract";
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";

/** Each step keeps the tail of its log; older lines are dropped with a note. */
export const maxStepLogBytes = 64 * 1024;
const trimmedNote = "[earlier output trimmed]\n";

/**
 * How long a claimed command stays leased without a sign of life. Agents send progress at least
 * every few seconds while working, so a lapsed lease means the agent stopped (killed, offline).
 */
export const leaseMs = 90_000;

export interface EnqueueOptions {
  createdById: string | null;
  timeoutSeconds?: number;
  batchId?: string | null;
  retryOfId?: string | null;
}

export async function enqueueCommand(db: Db, machineId: string, spec: CommandSpec, options: EnqueueOptions): Promise<string> {
  const command = await db.command.create({
    data: {
      machineId,
      kind: spec.kind,
      options: JSON.stringify(spec.options),
      timeoutSeconds: options.timeoutSeconds ?? defaultTimeoutSeconds[spec.kind],
      createdById: options.createdById,
      batchId: options.batchId ?? null,
      retryOfId: options.retryOfId ?? null,
      steps: {
        create: planSteps(spec).map(({ step, skipped }, position) => ({ step, position, status: skipped ? "skipped" : "pending" })),
      },
    },
  });
  return command.id;
}

function specOf(row: { kind: string; options: string }): CommandSpec {
  return CommandSpec.parse({ kind: row.kind, options: JSON.parse(row.options) });
}

export interface QueuedCommand {
  id: string;
  spec: CommandSpec;
  timeoutSeconds: number;
  createdAt: Date;
}

export async function pendingCommands(db: Db, machineId: string): Promise<QueuedCommand[]> {
  const rows = await db.command.findMany({ where: { machineId, status: "pending" }, orderBy: { createdAt: "asc" }, take: 20 });
  return rows.map((row) => ({ id: row.id, spec: specOf(row), timeoutSeconds: row.timeoutSeconds, createdAt: row.createdAt }));
}

/** Which of these machines have pending commands: one query for every agent a dashboard serves. */
export async function machinesWithPendingCommands(db: Db, machineIds: readonly string[]): Promise<string[]> {
  if (machineIds.length === 0) return [];
  const rows = await db.command.findMany({
    where: { status: "pending", machineId: { in: [...machineIds] } },
    select: { machineId: true },
    distinct: ["machineId"],
  });
  return rows.map((row) => row.machineId);
}

/** Marks a pending command running for this machine with a fresh lease; false when already claimed. */
export async function claimCommand(db: Db, machineId: string, commandId: string, now = new Date()): Promise<boolean> {
  const { count } = await db.command.updateMany({
    where: { id: commandId, machineId, status: "pending" },
    data: { status: "running", claimedAt: now, leaseExpiresAt: new Date(now.getTime() + leaseMs) },
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

const finishedStepStatuses = new Set(["succeeded", "failed", "skipped", "cancelled"]);

/**
 * Records a step's status and log, renews the command's lease, and tells the agent whether the
 * admin asked to cancel. Null when this machine has no such running command.
 */
export async function recordStepProgress(
  db: Db,
  machineId: string,
  progress: StepProgress,
  now = new Date(),
): Promise<{ cancelRequested: boolean } | null> {
  const step = await db.commandStep.findFirst({
    where: { commandId: progress.commandId, step: progress.step, command: { machineId, status: "running" } },
    include: { command: { select: { cancelRequestedAt: true } } },
  });
  if (!step) return null;
  await db.commandStep.update({
    where: { id: step.id },
    data: {
      status: progress.status,
      log: appendLog(step.log, progress.log),
      startedAt: step.startedAt ?? (progress.status === "running" ? now : null),
      finishedAt: finishedStepStatuses.has(progress.status) ? now : null,
    },
  });
  await db.command.updateMany({
    where: { id: progress.commandId, status: "running" },
    data: { leaseExpiresAt: new Date(now.getTime() + leaseMs) },
  });
  return { cancelRequested: step.command.cancelRequestedAt !== null };
}

export async function recordCommandResult(db: Db, machineId: string, result: CommandResult): Promise<boolean> {
  const { count } = await db.command.updateMany({
    where: { id: result.commandId, machineId, status: "running" },
    data: {
      status: result.status,
      finishedAt: new Date(),
      result: JSON.stringify(result),
      error: result.error,
      failedStep: result.failedStep,
      leaseExpiresAt: null,
    },
  });
  if (count === 1) {
    await recordActivity(db, {
      actorEmail: null,
      action: "command.finished",
      subject: result.commandId,
      detail: { machineId, status: result.status, failedStep: result.failedStep, error: result.error },
    });
  }
  return count === 1;
}

export type CancelOutcome = "dropped" | "requested" | "already-finished" | "not-found";

/** A pending command is dropped at once; a running one is asked to stop at its next safe point. */
export async function cancelCommand(db: Db, commandId: string, actorEmail: string | null): Promise<CancelOutcome> {
  const dropped = await db.command.updateMany({
    where: { id: commandId, status: "pending" },
    data: { status: "cancelled", finishedAt: new Date(), error: "Cancelled before it started." },
  });
  let outcome: CancelOutcome;
  if (dropped.count === 1) {
    await db.commandStep.updateMany({ where: { commandId, status: "pending" }, data: { status: "cancelled" } });
    outcome = "dropped";
  } else {
    const requested = await db.command.updateMany({
      where: { id: commandId, status: "running", cancelRequestedAt: null },
      data: { cancelRequestedAt: new Date() },
    });
    if (requested.count === 1) outcome = "requested";
    else {
      const command = await db.command.findUnique({ where: { id: commandId }, select: { status: true } });
      outcome = command ? (command.status === "running" ? "requested" : "already-finished") : "not-found";
    }
  }
  if (outcome === "dropped" || outcome === "requested") {
    await recordActivity(db, { actorEmail, action: "command.cancel", subject: commandId, detail: { outcome } });
  }
  return outcome;
}

/** Pushes the same kind and options again, to the same machine. */
export async function retryCommand(db: Db, commandId: string, createdById: string | null, actorEmail: string | null): Promise<{ commandId: string; machineId: string } | null> {
  const original = await db.command.findUnique({ where: { id: commandId } });
  if (!original || original.status === "pending" || original.status === "running") return null;
  const retryId = await enqueueCommand(db, original.machineId, specOf(original), {
    createdById,
    timeoutSeconds: original.timeoutSeconds,
    retryOfId: original.id,
  });
  await recordActivity(db, { actorEmail, action: "command.pushed", subject: retryId, detail: { machineId: original.machineId, kind: original.kind, retryOf: original.id } });
  return { commandId: retryId, machineId: original.machineId };
}

/**
 * Ends running commands whose agent went silent (lease lapsed → interrupted) or ran past their
 * time limit (→ timed-out). Safe to run from every dashboard instance at once.
 */
export async function expireCommands(db: Db, now = new Date()): Promise<number> {
  const running = await db.command.findMany({
    where: { status: "running" },
    select: { id: true, machineId: true, claimedAt: true, timeoutSeconds: true, leaseExpiresAt: true },
  });
  let ended = 0;
  for (const command of running) {
    const deadline = (command.claimedAt?.getTime() ?? now.getTime()) + command.timeoutSeconds * 1000 + leaseMs;
    const status: CommandStatus | null =
      now.getTime() > deadline ? "timed-out" : command.leaseExpiresAt && command.leaseExpiresAt < now ? "interrupted" : null;
    if (!status) continue;
    const error =
      status === "timed-out"
        ? `Ran past its ${command.timeoutSeconds} s limit.`
        : "The agent stopped reporting progress (stopped, killed or offline); any backup is kept.";
    const { count } = await db.command.updateMany({
      where: { id: command.id, status: "running" },
      data: { status, finishedAt: now, error, leaseExpiresAt: null },
    });
    if (count === 1) {
      ended += 1;
      await recordActivity(db, { actorEmail: null, action: "command.finished", subject: command.id, detail: { machineId: command.machineId, status, error } });
    }
  }
  return ended;
}

export interface CommandView {
  id: string;
  machineId: string;
  kind: string;
  options: Record<string, unknown>;
  status: string;
  timeoutSeconds: number;
  createdAt: Date;
  claimedAt: Date | null;
  finishedAt: Date | null;
  cancelRequestedAt: Date | null;
  createdBy: string | null;
  batchId: string | null;
  retryOfId: string | null;
  failedStep: string | null;
  error: string | null;
  result: CommandResult | null;
  steps: { step: string; status: string; log: string; startedAt: Date | null; finishedAt: Date | null }[];
}

const commandInclude = { steps: { orderBy: { position: "asc" } }, createdBy: { select: { email: true } } } as const;

type CommandRow = Awaited<ReturnType<Db["command"]["findFirstOrThrow"]>> & {
  steps: { step: string; status: string; log: string; startedAt: Date | null; finishedAt: Date | null }[];
  createdBy: { email: string } | null;
};

function toView(row: CommandRow): CommandView {
  return {
    id: row.id,
    machineId: row.machineId,
    kind: row.kind,
    options: JSON.parse(row.options),
    status: row.status,
    timeoutSeconds: row.timeoutSeconds,
    createdAt: row.createdAt,
    claimedAt: row.claimedAt,
    finishedAt: row.finishedAt,
    cancelRequestedAt: row.cancelRequestedAt,
    createdBy: row.createdBy?.email ?? null,
    batchId: row.batchId,
    retryOfId: row.retryOfId,
    failedStep: row.failedStep,
    error: row.error,
    result: row.result ? CommandResult.parse(JSON.parse(row.result)) : null,
    steps: row.steps.map((step) => ({
      step: step.step,
      status: step.status,
      log: step.log,
      startedAt: step.startedAt,
      finishedAt: step.finishedAt,
    })),
  };
}

export async function listCommands(db: Db, machineId: string, take = 20): Promise<CommandView[]> {
  const rows = await db.command.findMany({ where: { machineId }, orderBy: { createdAt: "desc" }, take, include: commandInclude });
  return rows.map(toView);
}

export async function getCommand(db: Db, commandId: string): Promise<CommandView | null> {
  const row = await db.command.findUnique({ where: { id: commandId }, include: commandInclude });
  return row ? toView(row) : null;
}

export interface BatchInput {
  spec: CommandSpec;
  machineIds: readonly string[];
  target: string;
  createdById: string | null;
  actorEmail: string | null;
  timeoutSeconds?: number;
}

/** One push to many machines; each gets its own command, tracked together. */
export async function createBatch(db: Db, input: BatchInput): Promise<{ batchId: string; commandIds: string[] }> {
  const batch = await db.commandBatch.create({
    data: { kind: input.spec.kind, options: JSON.stringify(input.spec.options), target: input.target, createdById: input.createdById },
  });
  const commandIds: string[] = [];
  for (const machineId of input.machineIds) {
    commandIds.push(
      await enqueueCommand(db, machineId, input.spec, { createdById: input.createdById, timeoutSeconds: input.timeoutSeconds, batchId: batch.id }),
    );
  }
  await recordActivity(db, {
    actorEmail: input.actorEmail,
    action: "command.pushed",
    subject: batch.id,
    detail: { kind: input.spec.kind, options: input.spec.options, target: input.target, machines: input.machineIds.length },
  });
  return { batchId: batch.id, commandIds };
}

export async function getBatch(db: Db, batchId: string) {
  const batch = await db.commandBatch.findUnique({ where: { id: batchId }, include: { createdBy: { select: { email: true } } } });
  if (!batch) return null;
  const commands = await db.command.findMany({
    where: { batchId },
    orderBy: { createdAt: "asc" },
    include: { ...commandInclude, machine: { select: { hostname: true } } },
  });
  return {
    id: batch.id,
    kind: batch.kind,
    target: batch.target,
    createdAt: batch.createdAt,
    createdBy: batch.createdBy?.email ?? null,
    commands: commands.map((row) => ({ ...toView(row), hostname: row.machine.hostname })),
  };
}
