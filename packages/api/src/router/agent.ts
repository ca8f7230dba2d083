// What agents call: enroll, report, receive commands (SSE), and report command progress.
import { tracked, TRPCError } from "@trpc/server";
import { z } from "zod";
import { AgentReport, CommandResult, EnrollInput, EnrollOutput, ProgressAck, StepProgress, type DeliveredCommand } from "@cachefleet/contract";
import {
  claimCommand,
  enrollMachine,
  EnrollmentRefused,
  pendingCommands,
  recordActivity,
  recordCommandResult,
  recordReport,
  recordStepProgress,
  type QueuedCommand,
} from "@cachefleet/db";
import { evaluateHealth, overallHealth } from "@cachefleet/health";
import { agentProcedure, publicProcedure, router } from "../trpc.js";

export const agentRouter = router({
  enroll: publicProcedure
    .input(EnrollInput)
    .output(EnrollOutput)
    .mutation(async ({ ctx, input }) => {
      try {
        return await enrollMachine(ctx.db, input.secret, input.machine);
      } catch (error) {
        if (error instanceof EnrollmentRefused) throw new TRPCError({ code: "FORBIDDEN", message: error.message });
        throw error;
      }
    }),

  report: agentProcedure.input(AgentReport).mutation(async ({ ctx, input }) => {
    const findings = evaluateHealth(input);
    const health = overallHealth(findings);
    const { stored } = await recordReport(ctx.db, ctx.machine.id, input, { health, rules: findings.map((finding) => finding.rule) });
    return { stored, health, findings };
  }),

  /**
   * Pushes this machine's pending commands. The queue is the database, so a reconnecting agent
   * (with or without lastEventId) gets every command still pending; claiming decides who runs it.
   */
  commands: agentProcedure
    .input(z.object({ lastEventId: z.string().nullish() }).optional())
    .subscription(async function* ({ ctx, signal }) {
      const delivered = new Set<string>();
      ctx.watcher.connect(ctx.machine.id);
      try {
        while (!signal?.aborted) {
          for (const command of await pendingCommands(ctx.db, ctx.machine.id)) {
            if (delivered.has(command.id)) continue;
            delivered.add(command.id);
            yield tracked(command.id, toDelivered(command));
          }
          // Woken at once for commands pushed here; the watcher wakes us for the rest.
          await ctx.notifier.wait(ctx.machine.id, 30_000, signal);
        }
      } finally {
        ctx.watcher.disconnect(ctx.machine.id);
      }
    }),

  /** The poll fallback when SSE is unavailable. */
  pendingCommands: agentProcedure.query(async ({ ctx }) => (await pendingCommands(ctx.db, ctx.machine.id)).map(toDelivered)),

  claim: agentProcedure
    .input(z.object({ commandId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => ({ claimed: await claimCommand(ctx.db, ctx.machine.id, input.commandId) })),

  /** Step status and log lines; the answer says whether an admin asked to cancel. */
  progress: agentProcedure
    .input(StepProgress)
    .output(ProgressAck)
    .mutation(async ({ ctx, input }) => {
      const ack = await recordStepProgress(ctx.db, ctx.machine.id, input);
      if (!ack) throw new TRPCError({ code: "NOT_FOUND", message: "No running command of this machine has that step." });
      return ack;
    }),

  /** The outcome; `recorded` is false when the command had already ended (e.g. marked interrupted). */
  result: agentProcedure.input(CommandResult).mutation(async ({ ctx, input }) => {
    const recorded = await recordCommandResult(ctx.db, ctx.machine.id, input);
    if (!recorded) {
      await recordActivity(ctx.db, { actorEmail: null, action: "command.late-result", subject: input.commandId, detail: { machineId: ctx.machine.id, status: input.status } });
    }
    return { recorded };
  }),
});

function toDelivered(command: QueuedCommand): DeliveredCommand {
  return { id: command.id, spec: command.spec, timeoutSeconds: command.timeoutSeconds, createdAt: command.createdAt.toISOString() };
}
