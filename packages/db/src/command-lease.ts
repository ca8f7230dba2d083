// A command's life once an agent has it: the claim, its steps' progress (which renews the lease),
// its result, and the sweep that ends commands whose agent went silent or ran out of time. The
// agent's claim, progress and result messages take effect exactly once (agent-messages.ts).
import {
  ClaimAnswer,
  ProgressAck,
  ResultAck,
  type ClaimMessage,
  type CommandResult,
  type CommandStatus,
  type DeliveredCommand,
  type ProgressMessage,
  type ResultMessage,
} from "@cachefleet/contract";
import { sqltag as sql } from "@prisma/client/runtime/client";
import type { Db, DbTransaction } from "./client.js";
import { recordActivity } from "./activity.js";
import { deliverOnce, deliverOnceWith, type Delivered } from "./agent-messages.js";
import { providerOf } from "./client.js";
import { preparing, readableSpec } from "./command-queue.js";

/** Each step keeps the tail of its log; older lines are dropped with a note. */
export const maxStepLogBytes = 64 * 1024;
const trimmedNote = "[earlier output trimmed]\n";

/**
 * How long a claimed command stays leased without a sign of life. Agents send progress at least
 * every few seconds while working, so a lapsed lease means the agent stopped (killed, offline).
 */
export const leaseMs = 90_000;

/** The error the expiry sweep writes on a command whose lease lapsed. */
export const leaseLapsedError = "The agent stopped reporting progress (stopped, killed or offline); any backup is kept.";

/**
 * Marks a pending command running for this machine with a fresh lease and its deadline. The answer
 * carries the command, so an agent that restarted before hearing it learns what it claimed; it is
 * `claimed: false` when the command is no longer pending. Null when this machine has no such
 * command. The conditional UPDATE decides between racing claims (plain SQL, the same on both
 * providers: a claim follows every delivery, and Prisma's updateMany spends about three times as
 * long in its query compiler as this statement takes).
 */
export async function claimCommand(db: Db, machineId: string, claim: ClaimMessage, now = new Date()): Promise<Delivered<ClaimAnswer> | null> {
  if (providerOf(db) === "postgresql") return claimInOneStatement(db, machineId, claim, now);
  const { commandId } = claim;
  return deliverOnce(db, { machineId, messageId: claim.messageId, kind: "claim", commandId }, ClaimAnswer, async (tx) => {
    const command = await tx.command.findUnique({ where: { id: commandId }, select: claimedColumns });
    if (!command || command.machineId !== machineId) return null;
    const offer = claimOffer(commandId, command);
    if (!offer) return notClaimed;
    const count = await tx.$executeRaw(
      sql`UPDATE "Command" SET "status" = 'running', "claimedAt" = ${now}, "leaseExpiresAt" = ${leaseExpiresAt(now)}, "deadlineAt" = ${deadlineAt(now, command)} WHERE "id" = ${commandId} AND "machineId" = ${machineId} AND "status" = 'pending'`,
    );
    return count === 1 ? offer : notClaimed;
  });
}

const claimedColumns = { machineId: true, status: true, kind: true, options: true, timeoutSeconds: true, createdAt: true } as const;
type ClaimedColumns = { machineId: string; status: string; kind: string; options: string; timeoutSeconds: number; createdAt: Date };

const notClaimed: ClaimAnswer = { claimed: false, command: null };
const leaseExpiresAt = (now: Date) => new Date(now.getTime() + leaseMs);
const deadlineAt = (now: Date, command: Pick<ClaimedColumns, "timeoutSeconds">) => new Date(now.getTime() + command.timeoutSeconds * 1000 + leaseMs);

/**
 * The answer a successful claim gets; null when the command is not pending or its stored spec is
 * outside the contract (such a row is never handed out; the offer path fails it).
 */
function claimOffer(commandId: string, command: ClaimedColumns): ClaimAnswer | null {
  const spec = readableSpec(command);
  if (command.status !== "pending" || !spec) return null;
  const delivered: DeliveredCommand = { id: commandId, spec, timeoutSeconds: command.timeoutSeconds, createdAt: command.createdAt.toISOString() };
  return { claimed: true, command: delivered };
}

/**
 * PostgreSQL's claim: the conditional UPDATE and the message's row with its answer in one
 * statement (a data-modifying WITH), so no pooled connection is held across round trips. When a
 * push reaches thousands of agents at once, their claims arrive together; as an interactive
 * transaction (BEGIN, read, UPDATE, INSERT, COMMIT) each held one of the pool's few connections
 * while the busy event loop got round to its next statement, the others waited for a connection
 * and, past Prisma's wait, failed (bench:dispatch at 10,000 agents). The command is read first,
 * outside: what the answer says of it (machine, spec, timeout, creation) never changes once it is
 * pending, and the UPDATE's own condition still decides. A racing copy of the same message fails on
 * the message's key and rolls its UPDATE back with it, then answers as a resend does.
 */
async function claimInOneStatement(db: Db, machineId: string, claim: ClaimMessage, now: Date): Promise<Delivered<ClaimAnswer> | null> {
  const { commandId, messageId } = claim;
  return deliverOnceWith(db, { machineId, messageId, kind: "claim", commandId }, ClaimAnswer, async () => {
    const command = await db.command.findUnique({ where: { id: commandId }, select: claimedColumns });
    if (!command || command.machineId !== machineId) return null;
    const offer = claimOffer(commandId, command);
    const [row] = await db.$queryRaw<{ answer: string }[]>(
      sql`WITH "claimed" AS (UPDATE "Command" SET "status" = 'running', "claimedAt" = ${now}, "leaseExpiresAt" = ${leaseExpiresAt(now)}, "deadlineAt" = ${deadlineAt(now, command)} WHERE "id" = ${commandId} AND "machineId" = ${machineId} AND "status" = 'pending' AND ${offer !== null} RETURNING "id") INSERT INTO "AgentMessage" ("machineId", "id", "kind", "commandId", "answer") SELECT ${machineId}, ${messageId}, 'claim', ${commandId}, CASE WHEN EXISTS (SELECT 1 FROM "claimed") THEN ${JSON.stringify(offer ?? notClaimed)} ELSE ${JSON.stringify(notClaimed)} END RETURNING "answer"`,
    );
    if (!row) throw new Error(`The claim of ${commandId} stored no answer.`);
    return ClaimAnswer.parse(JSON.parse(row.answer));
  });
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
 * admin asked to cancel. A message whose sequence is not past the last one applied (sent before a
 * newer one that already arrived) renews the lease but leaves the step alone, so log lines never
 * go in out of order. Null when this machine has no such running command.
 */
export async function recordStepProgress(db: Db, machineId: string, progress: ProgressMessage, now = new Date()): Promise<Delivered<ProgressAck> | null> {
  return deliverOnce(db, { machineId, messageId: progress.messageId, kind: "progress", commandId: progress.commandId }, ProgressAck, async (tx) => {
    const step = await tx.commandStep.findFirst({
      where: { commandId: progress.commandId, step: progress.step, command: { machineId, status: "running" } },
      include: { command: { select: { cancelRequestedAt: true, progressSequence: true } } },
    });
    if (!step) return null;
    const inOrder = progress.sequence > step.command.progressSequence;
    if (inOrder) {
      await tx.commandStep.update({
        where: { id: step.id },
        data: {
          status: progress.status,
          log: appendLog(step.log, progress.log),
          startedAt: step.startedAt ?? (progress.status === "running" ? now : null),
          finishedAt: finishedStepStatuses.has(progress.status) ? now : null,
        },
      });
    }
    await tx.command.updateMany({
      where: { id: progress.commandId, status: "running" },
      data: { leaseExpiresAt: new Date(now.getTime() + leaseMs), ...(inOrder ? { progressSequence: progress.sequence } : {}) },
    });
    return { cancelRequested: step.command.cancelRequestedAt !== null };
  });
}

/** What the result procedure needs beyond the answer: whether the outcome arrived after the dashboard had given up. */
export interface ResultDelivery extends Delivered<ResultAck> {
  /** The status the dashboard had given the command before this late result replaced it, if any. */
  replacedStatus: CommandStatus | null;
}

/**
 * Records a command's outcome. A running command ends with it. A command the dashboard had ended
 * because its agent went quiet (lease lapsed → interrupted) or ran out of time (→ timed-out) gets
 * the agent's true outcome too, with that expiry noted in its log, unless an admin retried it
 * meanwhile (the retry is then the command that counts, and the late result is only noted in the
 * activity log, `recorded: false`). A cancelled or already finished command keeps its outcome.
 * Null when this machine has no such command.
 */
export async function recordCommandResult(db: Db, machineId: string, message: ResultMessage, now = new Date()): Promise<ResultDelivery | null> {
  const { messageId, ...result } = message;
  let replacedStatus: CommandStatus | null = null;
  const delivered = await deliverOnce(db, { machineId, messageId, kind: "result", commandId: result.commandId }, ResultAck, async (tx) => {
    const command = await tx.command.findFirst({
      where: { id: result.commandId, machineId },
      select: { status: true, result: true, error: true, finishedAt: true },
    });
    if (!command) return null;
    const ended = { status: result.status, finishedAt: now, result: JSON.stringify(result), error: result.error, failedStep: result.failedStep, leaseExpiresAt: null };
    const finishedDetail = { machineId, status: result.status, failedStep: result.failedStep, error: result.error };
    const { count } = await tx.command.updateMany({ where: { id: result.commandId, machineId, status: "running" }, data: ended });
    if (count === 1) {
      await recordActivity(tx, { actorEmail: null, action: "command.finished", subject: result.commandId, detail: finishedDetail });
      return { recorded: true };
    }
    if (await expiredAndNotRetried(tx, result.commandId, command)) {
      const expired = command.status as CommandStatus;
      const { count: replaced } = await tx.command.updateMany({ where: { id: result.commandId, status: expired, result: null }, data: ended });
      if (replaced === 1) {
        await noteExpiry(tx, result, expired, command.finishedAt ?? now, command.error);
        await recordActivity(tx, { actorEmail: null, action: "command.finished", subject: result.commandId, detail: { ...finishedDetail, replaces: expired } });
        replacedStatus = expired;
        return { recorded: true };
      }
    }
    await recordActivity(tx, { actorEmail: null, action: "command.late-result", subject: result.commandId, detail: { machineId, status: result.status } });
    return { recorded: false };
  });
  return delivered && { ...delivered, replacedStatus: delivered.first ? replacedStatus : null };
}

/** Whether the expiry sweep ended this command (no agent result stored) and no retry of it exists. */
async function expiredAndNotRetried(tx: DbTransaction, commandId: string, command: { status: string; result: string | null }): Promise<boolean> {
  if ((command.status !== "interrupted" && command.status !== "timed-out") || command.result !== null) return false;
  return (await tx.command.count({ where: { retryOfId: commandId } })) === 0;
}

/** Says in the command's log that the dashboard had given up on it before its result arrived. */
async function noteExpiry(tx: DbTransaction, result: CommandResult, expired: CommandStatus, expiredAt: Date, expiryError: string | null): Promise<void> {
  const steps = await tx.commandStep.findMany({ where: { commandId: result.commandId }, orderBy: { position: "asc" } });
  const reached = steps.filter((step) => step.status !== "pending" && step.status !== "skipped");
  const step = steps.find((candidate) => candidate.step === result.failedStep) ?? reached.at(-1) ?? steps.at(-1);
  if (!step) return;
  const note = `[The dashboard had marked this command ${expired} at ${expiredAt.toISOString()} (${expiryError ?? "no reason given"}); the agent's ${result.status} result arrived later and is recorded.]\n`;
  await tx.commandStep.update({ where: { id: step.id }, data: { log: appendLog(step.log, note) } });
}

/**
 * Ends running commands whose agent went silent (lease lapsed → interrupted) or ran past their
 * time limit (deadline passed → timed-out), and cancels commands a stopped push left preparing.
 * Reads only what is due, through the (status, leaseExpiresAt) and (status, deadlineAt) indexes,
 * so every dashboard instance can run it on every tick; each change is conditional, so they may
 * all run it at once.
 */
export async function expireCommands(db: Db, now = new Date()): Promise<number> {
  const due = await db.command.findMany({
    where: {
      OR: [
        { status: "running", leaseExpiresAt: { lt: now } },
        { status: { in: ["running", preparing] }, deadlineAt: { lt: now } },
      ],
    },
    select: { id: true, machineId: true, status: true, timeoutSeconds: true, deadlineAt: true },
  });
  let ended = 0;
  for (const command of due) {
    const status: CommandStatus =
      command.status === preparing ? "cancelled" : command.deadlineAt && command.deadlineAt < now ? "timed-out" : "interrupted";
    const error =
      status === "cancelled"
        ? "The push stopped before this command was queued (the dashboard stopped); push it again."
        : status === "timed-out"
          ? `Ran past its ${command.timeoutSeconds} s limit.`
          : leaseLapsedError;
    const { count } = await db.command.updateMany({
      where: { id: command.id, status: command.status },
      data: { status, finishedAt: now, error, leaseExpiresAt: null },
    });
    if (count === 1) {
      ended += 1;
      if (status === "cancelled") await db.commandStep.updateMany({ where: { commandId: command.id, status: "pending" }, data: { status: "cancelled" } });
      await recordActivity(db, { actorEmail: null, action: "command.finished", subject: command.id, detail: { machineId: command.machineId, status, error } });
    }
  }
  return ended;
}
