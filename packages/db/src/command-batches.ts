// Batches: one push of a command to many machines, each machine getting its own command, tracked
// together under one batch (the push's kind, options and target as the admin chose them).
import { defaultTimeoutSeconds, type CommandSpec } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";
import { queueCommands, type QueuedCommand } from "./command-queue.js";
import { commandInclude, toView } from "./command-views.js";

export interface BatchInput {
  spec: CommandSpec;
  machineIds: readonly string[];
  target: string;
  createdById: string | null;
  actorEmail: string | null;
  timeoutSeconds?: number;
  /** Hears of the commands as they become pending, a chunk at a time, before the rest are written. */
  onQueued?: (queued: QueuedCommand[]) => void;
}

/** One push to many machines; each gets its own command, tracked together. */
export async function createBatch(db: Db, input: BatchInput): Promise<{ batchId: string; commandIds: string[] }> {
  const batch = await db.commandBatch.create({
    data: { kind: input.spec.kind, options: JSON.stringify(input.spec.options), target: input.target, createdById: input.createdById },
  });
  const timeoutSeconds = input.timeoutSeconds ?? defaultTimeoutSeconds[input.spec.kind];
  const queued = await queueCommands(
    db,
    input.machineIds.map((machineId) => ({ machineId, spec: input.spec, timeoutSeconds, createdById: input.createdById, batchId: batch.id, retryOfId: null })),
    input.onQueued,
  );
  await recordActivity(db, {
    actorEmail: input.actorEmail,
    action: "command.pushed",
    subject: batch.id,
    // A push to one machine names it, so the log can say which.
    detail: { kind: input.spec.kind, options: input.spec.options, target: input.target, machines: input.machineIds.length, ...(input.machineIds.length === 1 ? { machineId: input.machineIds[0] } : {}) },
  });
  return { batchId: batch.id, commandIds: queued.map((command) => command.id) };
}

export async function getBatch(db: Db, batchId: string) {
  const batch = await db.commandBatch.findUnique({ where: { id: batchId }, include: { createdBy: { select: { email: true } } } });
  if (!batch) return null;
  const commands = await db.command.findMany({
    where: { batchId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
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
