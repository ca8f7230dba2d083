// The one way commands are pushed from the browser or an API token: to a selection of machines
// (one, for the machine page's buttons) or to every machine failing a health rule. Revoked and
// unknown machines are refused before anything is written; the batch, its commands and the
// activity entry are written by the database layer (createBatch), and the agents' streams on this
// instance hear of their commands right after the answer.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { CommandSpec } from "@cachefleet/contract";
import { activeMachineIds, createBatch, listFleetIds, type QueuedCommand } from "@cachefleet/db";
import type { Context } from "./trpc.js";

export const PushTarget = z.discriminatedUnion("type", [
  z.object({ type: z.literal("machines"), machineIds: z.array(z.string().min(1).max(64)).min(1).max(10_000) }),
  /** Every machine whose latest report fails this health rule. */
  z.object({ type: z.literal("failing-rule"), rule: z.string().regex(/^[a-z][a-z-]{1,63}$/) }),
]);
export type PushTarget = z.infer<typeof PushTarget>;

export interface PushInput {
  target: PushTarget;
  spec: CommandSpec;
  timeoutSeconds?: number;
}

export async function pushCommands(
  ctx: Pick<Context, "db" | "notifier" | "afterResponse"> & { user: { id: string; email: string } },
  input: PushInput,
): Promise<{ batchId: string; commandIds: string[] }> {
  const { target } = input;
  const machineIds = target.type === "machines" ? await activeMachineIds(ctx.db, target.machineIds) : await listFleetIds(ctx.db, { failingRule: target.rule });
  if (target.type === "machines" && machineIds.length !== new Set(target.machineIds).size) {
    const message = target.machineIds.length === 1 ? "No such machine, or it was revoked; nothing was pushed." : "Some of those machines do not exist or were revoked; nothing was pushed.";
    throw new TRPCError({ code: "NOT_FOUND", message });
  }
  if (machineIds.length === 0) throw new TRPCError({ code: "BAD_REQUEST", message: "No machine fails that rule; nothing was pushed." });
  const queued: QueuedCommand[] = [];
  const batch = await createBatch(ctx.db, {
    spec: input.spec,
    machineIds,
    target: target.type === "machines" ? "selection" : `rule:${target.rule}`,
    createdById: ctx.user.id,
    actorEmail: ctx.user.email,
    timeoutSeconds: input.timeoutSeconds,
    onQueued: (chunk) => queued.push(...chunk),
  });
  // Every command is pending now. The answer goes out first and the agents hear of their
  // commands right after it is written: handing 10,000 streams their events takes the event loop
  // for a while, which the admin's request need not wait for.
  ctx.notifier.notifyAllSoon(queued, ctx.afterResponse);
  return batch;
}
