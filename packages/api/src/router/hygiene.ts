// Cache hygiene for the browser: the fleet's totals (cache bytes, bytes a trim reclaims, stalled
// trims) and one machine's trim facts and growth, with the days until it crosses the team's size
// limit or fills its disk at that rate.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { daysUntil, fleetHygiene, getMachineHygiene, getPolicy } from "@cachefleet/db";
import { router, userProcedure } from "../trpc.js";
import { iso } from "../dates.js";

export const hygieneRouter = router({
  fleet: userProcedure.query(({ ctx }) => fleetHygiene(ctx.db)),

  machine: userProcedure.input(z.object({ machineId: z.string().min(1).max(64) })).query(async ({ ctx, input }) => {
    const [hygiene, policy] = await Promise.all([getMachineHygiene(ctx.db, input.machineId), getPolicy(ctx.db)]);
    if (!hygiene) throw new TRPCError({ code: "NOT_FOUND", message: "No such machine." });
    const { cacheBytes, cacheGrowthPerDay, diskFreeBytes } = hygiene;
    return {
      ...hygiene,
      lastTrimAt: iso(hygiene.lastTrimAt),
      sizeLimitBytes: policy.cacheSizeWarningBytes,
      daysToSizeLimit: daysUntil(cacheBytes, cacheGrowthPerDay, policy.cacheSizeWarningBytes),
      // The disk fills when the cache has grown by the free space it has now.
      daysToDiskFull: cacheBytes === null || diskFreeBytes === null ? null : daysUntil(cacheBytes, cacheGrowthPerDay, cacheBytes + diskFreeBytes),
    };
  }),
});
