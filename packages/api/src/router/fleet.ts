// What the browser calls: the fleet, one machine, and commands pushed to it.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { FleetQuery, MigrateOptions } from "@cachefleet/contract";
import { enqueueCommand, getMachine, listCommands, listFleetGoVersions, listFleetPage, recordActivity } from "@cachefleet/db";
import { evaluateHealth } from "@cachefleet/health";
import { fleetFeed } from "../fleet-feed.js";
import { adminProcedure, router, userProcedure } from "../trpc.js";

/** A machine is online when it reported within this long (agents report every minute). */
export const onlineWindowMs = 3 * 60 * 1000;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const machineId = z.object({ machineId: z.string().min(1).max(64) });

export const fleetRouter = router({
  /** One page of the fleet, sorted, filtered and searched on the server, with verdict counts. */
  list: userProcedure.input(FleetQuery.prefault({})).query(async ({ ctx, input }) => {
    const page = await listFleetPage(ctx.db, input);
    return { ...page, rows: page.rows.map((row) => ({ ...row, lastSeenAt: iso(row.lastSeenAt) })) };
  }),

  /** Every Go toolchain in the fleet, newest first: the Go filter's choices. */
  goVersions: userProcedure.query(({ ctx }) => listFleetGoVersions(ctx.db)),

  /**
   * An event whenever the fleet changed (a report landed here or on another instance), so pages
   * refresh what they show. No replay: a page that reconnects refreshes anyway.
   */
  changes: userProcedure.subscription(async function* ({ ctx, signal }) {
    yield* fleetFeed(ctx.db).changes(signal);
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
