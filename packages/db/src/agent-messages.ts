// Exactly-once delivery of what agents send about commands. Every claim, progress and result
// message carries an id the agent gave it once and keeps across retries and restarts; the
// message's row (primary key: machine and id) is written in the same transaction as its effect,
// with the answer. A resend finds the row and gets the stored answer, changing nothing; two copies
// racing each other both run the effect, but only one commits: the other fails on the primary key
// (on PostgreSQL as soon as the first commits), rolls back, and answers as a resend does.
import type { z } from "zod";
import type { Db, DbTransaction } from "./client.js";
import { isUniqueViolation } from "./machines.js";

export type AgentMessageKind = "claim" | "progress" | "result";

export interface AgentMessageKey {
  machineId: string;
  messageId: string;
  kind: AgentMessageKind;
  commandId: string;
}

/** What a message got: the answer, and whether this delivery gave it its effect (false for a resend). */
export interface Delivered<Answer> {
  answer: Answer;
  first: boolean;
}

/** The same message id sent earlier by this machine for another kind of message or another command. */
export class MessageIdReused extends Error {
  constructor(messageId: string) {
    super(`Message id ${messageId} was already used for another message; a new message needs a new id.`);
    this.name = "MessageIdReused";
  }
}

/** Thrown inside the transaction to roll it back when the message names no command of its machine. */
class NothingToDeliver extends Error {}

/**
 * Runs `effect` once for this message and answers every delivery of it the same. `effect` returns
 * the answer, or null when the message names no command of this machine: then nothing is written
 * and the result is null (the procedures answer NOT_FOUND), so made-up ids leave no rows.
 */
export async function deliverOnce<Answer>(
  db: Db,
  key: AgentMessageKey,
  answerSchema: z.ZodType<Answer>,
  effect: (tx: DbTransaction) => Promise<Answer | null>,
): Promise<Delivered<Answer> | null> {
  return deliverOnceWith(db, key, answerSchema, async () => {
    try {
      return await db.$transaction(
        async (tx) => {
          const answer = await effect(tx);
          if (answer === null) throw new NothingToDeliver();
          await tx.agentMessage.create({
            data: { machineId: key.machineId, id: key.messageId, kind: key.kind, commandId: key.commandId, answer: JSON.stringify(answer) },
          });
          return answer;
        },
        // Claims and progress of a whole fleet at once queue for SQLite's one writer.
        { maxWait: 30_000, timeout: 30_000 },
      );
    } catch (error) {
      if (error instanceof NothingToDeliver) return null;
      throw error;
    }
  });
}

/**
 * The same guarantee for a message whose effect and answer row are written by one statement of
 * the caller's (`write`, which returns the stored answer, or null when the message names no
 * command of this machine and nothing was written): a resend gets the stored answer, and a racing
 * copy that fails on the message's key answers as a resend does.
 */
export async function deliverOnceWith<Answer>(
  db: Db,
  key: AgentMessageKey,
  answerSchema: z.ZodType<Answer>,
  write: () => Promise<Answer | null>,
): Promise<Delivered<Answer> | null> {
  const earlier = await storedAnswer(db, key, answerSchema);
  if (earlier) return earlier;
  try {
    const answer = await write();
    return answer === null ? null : { answer, first: true };
  } catch (error) {
    if (isUniqueViolation(error)) {
      const raced = await storedAnswer(db, key, answerSchema);
      if (raced) return raced;
    }
    throw error;
  }
}

/** The answer this message got when it was first delivered; null when it never was. */
async function storedAnswer<Answer>(db: Db, key: AgentMessageKey, answerSchema: z.ZodType<Answer>): Promise<Delivered<Answer> | null> {
  const row = await db.agentMessage.findUnique({
    where: { machineId_id: { machineId: key.machineId, id: key.messageId } },
    select: { kind: true, commandId: true, answer: true },
  });
  if (!row) return null;
  if (row.kind !== key.kind || row.commandId !== key.commandId) throw new MessageIdReused(key.messageId);
  return { answer: answerSchema.parse(JSON.parse(row.answer)), first: false };
}
