// What the browser calls: the fleet, one machine, and commands pushed to it.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MigrateOptions } from "@cachefleet/contract";
import { enqueueCommand, getMachine, listCommands, listFleet, recordActivity } from "@cachefleet/db";
import { evaluateHealth } from "@cachefleet/health";
import { adminProcedure, router, userProcedure } from "../trpc.js";

/** A machine is online when it reported within this long (agents report every minute). */
export const onlineWindowMs = 3 * 60 * 1000;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const machineId = z.object({ machineId: z.string().min(1).max(64) });

export const fleetRouter = router({
  list: userProcedure.query(async ({ ctx }) => {
    const now = Date.now();
    return (await listFleet(ctx.db)).map((machine) => ({
      ...machine,
      lastSeenAt: iso(machine.lastSeenAt),
      enrolledAt: machine.enrolledAt.toISOString(),
      online: machine.lastSeenAt !== null && now - machine.lastSeenAt.getTime() < onlineWindowMs,
    }));
  }),

  machine: userProcedure.input(machineId).query(async ({ ctx, input }) => {
    const machine = await getMachine(ctx.db, input.machineId);
    if (!machine) throw new TRPCError({ code: "NOT_FOUND", message: "No such machine." });
    const report = machine.latestReport;
    const findings = report ? evaluateHealth(report) : [];
    const commands = await listCommands(ctx.db, input.machineId);
    return {
      ...machine,
      lastSeenAt: iso(machine.lastSeenAt),
      enrolledAt: machine.enrolledAt.toISOString(),
      online: machine.lastSeenAt !== null && Date.now() - machine.lastSeenAt.getTime() < onlineWindowMs,
      findings,
      commands: commands.map((command) => ({
        ...command,
        createdAt: command.createdAt.toISOString(),
        claimedAt: iso(command.claimedAt),
        finishedAt: iso(command.finishedAt),
        cancelRequestedAt: iso(command.cancelRequestedAt),
        steps: command.steps.map((step) => ({ ...step, startedAt: iso(step.startedAt), finishedAt: iso(step.finishedAt) })),
      })),
    };
  }),

  migrate: adminProcedure.input(machineId.extend({ options: MigrateOptions })).mutation(async ({ ctx, input }) => {
    const machine = await getMachine(ctx.db, input.machineId);
    if (!machine) throw new TRPCError({ code: "NOT_FOUND", message: "No such machine." });
    const commandId = await enqueueCommand(ctx.db, input.machineId, { kind: "migrate", options: input.options }, { createdById: ctx.user.id });
    await recordActivity(ctx.db, { actorEmail: ctx.user.email, action: "command.pushed", subject: commandId, detail: { machineId: input.machineId, kind: "migrate", options: input.options } });
    ctx.notifier.notify(input.machineId);
    return { commandId };
  }),

  rescan: adminProcedure.input(machineId).mutation(async ({ ctx, input }) => {
    const machine = await getMachine(ctx.db, input.machineId);
    if (!machine) throw new TRPCError({ code: "NOT_FOUND", message: "No such machine." });
    const commandId = await enqueueCommand(ctx.db, input.machineId, { kind: "rescan", options: {} }, { createdById: ctx.user.id });
    await recordActivity(ctx.db, { actorEmail: ctx.user.email, action: "command.pushed", subject: commandId, detail: { machineId: input.machineId, kind: "rescan" } });
    ctx.notifier.notify(input.machineId);
    return { commandId };
  }),
});
