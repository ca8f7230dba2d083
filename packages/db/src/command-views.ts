// Commands read back for the dashboard's pages: one command with its steps and result, or a
// machine's latest, shaped as the API returns them. A command still preparing shows as pending.
import { CommandResult } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { preparing } from "./command-queue.js";

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

export const commandInclude = { steps: { orderBy: { position: "asc" } }, createdBy: { select: { email: true } } } as const;

type CommandRow = Awaited<ReturnType<Db["command"]["findFirstOrThrow"]>> & {
  steps: { step: string; status: string; log: string; startedAt: Date | null; finishedAt: Date | null }[];
  createdBy: { email: string } | null;
};

export function toView(row: CommandRow): CommandView {
  return {
    id: row.id,
    machineId: row.machineId,
    kind: row.kind,
    options: JSON.parse(row.options),
    status: row.status === preparing ? "pending" : row.status,
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
  const rows = await db.command.findMany({ where: { machineId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take, include: commandInclude });
  return rows.map(toView);
}

export async function getCommand(db: Db, commandId: string): Promise<CommandView | null> {
  const row = await db.command.findUnique({ where: { id: commandId }, include: commandInclude });
  return row ? toView(row) : null;
}
