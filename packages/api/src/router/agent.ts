// What agents call: enroll, report, receive commands (SSE), and report command progress.
import { tracked, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { DeliveredCommand} from "@cachefleet/contract";
import { AgentReport, CommandResult, EnrollInput, EnrollOutput, StepProgress } from "@cachefleet/contract";
import {
  claimCommand,
  enrollMachine,
  EnrollmentRefused,
  pendingCommands,
  recordCommandResult,
  recordReport,
  recordStepProgress,
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
    const findings = evaluateHealth({ go: input.go, scan: input.scan });
    const health = overallHealth(findings);
    const { stored } = await recordReport(ctx.db, ctx.machine.id, input, { health, findingsCount: findings.length });
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
      while (!signal?.aborted) {
        for (const command of await pendingCommands(ctx.db, ctx.machine.id)) {
          if (delivered.has(command.id)) continue;
          delivered.add(command.id);
          const message: DeliveredCommand = { id: command.id, spec: command.spec, createdAt: command.createdAt.toISOString() };
          yield tracked(command.id, message);
        }
        await ctx.notifier.wait(ctx.machine.id, ctx.queuePollMs, signal);
      }
    }),

  /** The poll fallback when SSE is unavailable. */
  pendingCommands: agentProcedure.query(async ({ ctx }) => {
    const pending = await pendingCommands(ctx.db, ctx.machine.id);
    return pending.map((command): DeliveredCommand => ({ id: command.id, spec: command.spec, createdAt: command.createdAt.toISOString() }));
  }),

  claim: agentProcedure
    .input(z.object({ commandId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => ({ claimed: await claimCommand(ctx.db, ctx.machine.id, input.commandId) })),

  progress: agentProcedure.input(StepProgress).mutation(async ({ ctx, input }) => {
    const recorded = await recordStepProgress(ctx.db, ctx.machine.id, input);
    if (!recorded) throw new TRPCError({ code: "NOT_FOUND", message: "No running command of this machine has that step." });
    return { recorded };
  }),

  result: agentProcedure.input(CommandResult).mutation(async ({ ctx, input }) => {
    const recorded = await recordCommandResult(ctx.db, ctx.machine.id, input);
    if (!recorded) throw new TRPCError({ code: "NOT_FOUND", message: "No running command of this machine has that id." });
    return { recorded };
  }),
});
