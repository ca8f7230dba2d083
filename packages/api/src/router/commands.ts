// Commands from the browser: push to one machine, a selection, or every machine failing a rule;
// cancel, retry, follow a batch; and the activity log.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { CommandSpec, TimeoutSeconds } from "@cachefleet/contract";
import { activeMachineIds, cancelCommand, createBatch, getBatch, getCommand, listActivity, listFleetIds, retryCommand, type QueuedCommand } from "@cachefleet/db";
import { adminProcedure, router, userProcedure } from "../trpc.js";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const PushTarget = z.discriminatedUnion("type", [
  z.object({ type: z.literal("machines"), machineIds: z.array(z.string().min(1).max(64)).min(1).max(10_000) }),
  /** Every machine whose latest report fails this health rule. */
  z.object({ type: z.literal("failing-rule"), rule: z.string().regex(/^[a-z][a-z-]{1,63}$/) }),
]);

export const commandsRouter = router({
  push: adminProcedure
    .input(z.object({ target: PushTarget, spec: CommandSpec, timeoutSeconds: TimeoutSeconds.optional() }))
    .mutation(async ({ ctx, input }) => {
      const machineIds =
        input.target.type === "machines" ? await activeMachineIds(ctx.db, input.target.machineIds) : await listFleetIds(ctx.db, { failingRule: input.target.rule });
      if (input.target.type === "machines" && machineIds.length !== new Set(input.target.machineIds).size) {
        throw new TRPCError({ code: "NOT_FOUND", message: "Some of those machines do not exist or were revoked; nothing was pushed." });
      }
      if (machineIds.length === 0) throw new TRPCError({ code: "BAD_REQUEST", message: "No machine fails that rule; nothing was pushed." });
      const queued: QueuedCommand[] = [];
      const batch = await createBatch(ctx.db, {
        spec: input.spec,
        machineIds,
        target: input.target.type === "machines" ? "selection" : `rule:${input.target.rule}`,
        createdById: ctx.user.id,
        actorEmail: ctx.user.email,
        timeoutSeconds: input.timeoutSeconds,
        onQueued: (chunk) => queued.push(...chunk),
      });
      // Every command is pending now. The answer goes out first and the agents hear of their
      // commands right after: handing 10,000 streams their events takes the event loop for a
      // while, which the admin's request need not wait for.
      ctx.notifier.notifyAllSoon(queued);
      return batch;
    }),

  /**
   * Sends a no-op probe through every command stream on this instance that asked for probes:
   * the reference round trip the dispatch bench measures pushes against. Changes nothing.
   */
  probeStreams: adminProcedure.input(z.object({ probeId: z.string().regex(/^[\w-]{1,64}$/) })).mutation(({ ctx, input }) => ({
    streams: ctx.notifier.probeAll(input.probeId),
  })),

  cancel: adminProcedure.input(z.object({ commandId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const outcome = await cancelCommand(ctx.db, input.commandId, ctx.user.email);
    if (outcome === "not-found") throw new TRPCError({ code: "NOT_FOUND", message: "No such command." });
    return { outcome };
  }),

  retry: adminProcedure.input(z.object({ commandId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const retried = await retryCommand(ctx.db, input.commandId, ctx.user.id, ctx.user.email);
    if (!retried) throw new TRPCError({ code: "BAD_REQUEST", message: "Only a finished command can be retried." });
    ctx.notifier.notify(retried.machineId);
    return retried;
  }),

  get: userProcedure.input(z.object({ commandId: z.string().min(1).max(64) })).query(async ({ ctx, input }) => {
    const command = await getCommand(ctx.db, input.commandId);
    if (!command) throw new TRPCError({ code: "NOT_FOUND", message: "No such command." });
    return command;
  }),

  batch: userProcedure.input(z.object({ batchId: z.string().min(1).max(64) })).query(async ({ ctx, input }) => {
    const batch = await getBatch(ctx.db, input.batchId);
    if (!batch) throw new TRPCError({ code: "NOT_FOUND", message: "No such batch." });
    return {
      ...batch,
      createdAt: batch.createdAt.toISOString(),
      commands: batch.commands.map((command) => ({
        id: command.id,
        machineId: command.machineId,
        hostname: command.hostname,
        status: command.status,
        failedStep: command.failedStep,
        error: command.error,
        finishedAt: iso(command.finishedAt),
        steps: command.steps.map((step) => ({ step: step.step, status: step.status, log: step.log })),
        result: command.result,
      })),
    };
  }),

  activity: userProcedure.input(z.object({ take: z.number().int().min(1).max(500).default(100) }).optional()).query(async ({ ctx, input }) =>
    (await listActivity(ctx.db, { take: input?.take })).map((event) => ({ ...event, at: event.at.toISOString() })),
  ),
});
