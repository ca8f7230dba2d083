// What the browser calls for the fleet page: one page of machines, live changes, and commands
// pushed to a machine. (One machine's page is router/machines.ts.)
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { FleetQuery, MigrateOptions, type CommandSpec } from "@cachefleet/contract";
import { listFleetGoVersions, listFleetPage } from "@cachefleet/db";
import { pushCommands } from "../push.js";
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

  /** The machine page's buttons: a push to that one machine, through the same path as any push. */
  migrate: adminProcedure.input(machineId.extend({ options: MigrateOptions })).mutation(async ({ ctx, input }) => ({
    commandId: await pushToOne(ctx, input.machineId, { kind: "migrate", options: input.options }),
  })),

  rescan: adminProcedure.input(machineId).mutation(async ({ ctx, input }) => ({
    commandId: await pushToOne(ctx, input.machineId, { kind: "rescan", options: {} }),
  })),
});

async function pushToOne(ctx: Parameters<typeof pushCommands>[0], machineId: string, spec: CommandSpec): Promise<string> {
  const { commandIds } = await pushCommands(ctx, { target: { type: "machines", machineIds: [machineId] }, spec });
  const [commandId] = commandIds;
  if (!commandId) throw new TRPCError({ code: "CONFLICT", message: "The command was cancelled before it was queued." });
  return commandId;
}
