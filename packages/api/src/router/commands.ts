// Commands from the browser: push to one machine, a selection, or every machine failing a rule;
// cancel, retry, follow a batch. (The activity log is activity.list's.)
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { CommandSpec, TimeoutSeconds } from "@cachefleet/contract";
import { cancelCommand, getBatch, getCommand, retryCommand } from "@cachefleet/db";
import { iso } from "../dates.js";
import { PushTarget, pushCommands } from "../push.js";
import { adminProcedure, router, userProcedure } from "../trpc.js";

export const commandsRouter = router({
  push: adminProcedure
    .input(z.object({ target: PushTarget, spec: CommandSpec, timeoutSeconds: TimeoutSeconds.optional() }))
    .mutation(({ ctx, input }) => pushCommands(ctx, input)),

  /**
   * Sends a no-op probe through every command stream on this instance that asked for probes:
   * the reference round trip the dispatch bench measures pushes against. Changes nothing.
   */
  probeStreams: adminProcedure.input(z.object({ probeId: z.string().regex(/^[\w-]{1,64}$/) })).mutation(({ ctx, input }) => ({
    streams: ctx.notifier.probeAllSoon(input.probeId, ctx.afterResponse),
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
      createdAt: iso(batch.createdAt),
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
});
