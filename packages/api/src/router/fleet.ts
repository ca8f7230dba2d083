// What the browser calls for the fleet page: one page of machines, live changes, and commands
// pushed to a machine. (One machine's page is router/machines.ts.)
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { FleetQuery, MigrateOptions } from "@cachefleet/contract";
import { enqueueCommand, getMachine, listFleetGoVersions, listFleetPage, recordActivity } from "@cachefleet/db";
import { fleetFeed } from "../fleet-feed.js";
import { adminProcedure, router, userProcedure } from "../trpc.js";
import { isoDates } from "../dates.js";

const machineId = z.object({ machineId: z.string().min(1).max(64) });

export const fleetRouter = router({
  /** One page of the fleet, sorted, filtered and searched on the server, with verdict counts. */
  list: userProcedure.input(FleetQuery.prefault({})).query(async ({ ctx, input }) => {
    const page = await listFleetPage(ctx.db, input);
    return { ...page, rows: page.rows.map(isoDates) };
  }),

  /** Every Go toolchain in the fleet, newest first: the Go filter's choices. */
  goVersions: userProcedure.query(({ ctx }) => listFleetGoVersions(ctx.db)),

  /**
   * An event whenever the fleet changed (a report landed here or on another instance), so pages
   * refresh what they show. No replay: a page that reconnects refreshes anyway.
   */
  changes: userProcedure.subscription(async function* ({ ctx, signal }) {
    yield* fleetFeed(ctx.db, ctx.logger).changes(signal);
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
