// One machine for its page: facts, findings under the team's policy, commands, and its report
// figures over time.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getMachine, getPolicy, hitRates, listCommands, reportHistory } from "@cachefleet/db";
import { evaluateHealth, isOnline, sortFindings } from "@cachefleet/health";
import { router, userProcedure } from "../trpc.js";
import { iso, isoDates } from "../dates.js";

const MachineId = z.string().min(1).max(64);

export const machinesRouter = router({
  detail: userProcedure.input(z.object({ machineId: MachineId })).query(async ({ ctx, input }) => {
    const [machine, policy] = await Promise.all([getMachine(ctx.db, input.machineId), getPolicy(ctx.db)]);
    if (!machine) throw new TRPCError({ code: "NOT_FOUND", message: "No such machine." });
    const report = machine.latestReport;
    const commands = await listCommands(ctx.db, input.machineId);
    return {
      ...machine,
      lastSeenAt: iso(machine.lastSeenAt),
      enrolledAt: iso(machine.enrolledAt),
      online: isOnline(machine.lastSeenAt, Date.now(), policy),
      // The policy row is a TeamPolicy as it is stored.
      findings: report ? sortFindings(evaluateHealth(report, policy)) : [],
      policy: {
        requireEncryption: policy.requireEncryption,
        requireEncryptedFromGo: policy.requireEncryptedFromGo,
        cacheSizeWarningBytes: policy.cacheSizeWarningBytes,
        offlineAfterMinutes: policy.offlineAfterMinutes,
        rotateKeyEveryDays: policy.rotateKeyEveryDays,
      },
      commands: commands.map((command) => ({
        ...command,
        createdAt: iso(command.createdAt),
        claimedAt: iso(command.claimedAt),
        finishedAt: iso(command.finishedAt),
        cancelRequestedAt: iso(command.cancelRequestedAt),
        steps: command.steps.map(isoDates),
      })),
    };
  }),

  /** Report figures over time, oldest first, at most maxPoints of them, with the hit rate between reports. */
  history: userProcedure
    .input(z.object({ machineId: MachineId, sinceDays: z.number().int().min(1).max(3650).optional(), maxPoints: z.number().int().min(2).max(1000).default(200) }))
    .query(async ({ ctx, input }) => {
      const since = input.sinceDays === undefined ? undefined : new Date(Date.now() - input.sinceDays * 24 * 60 * 60 * 1000);
      const points = await reportHistory(ctx.db, input.machineId, { since, maxPoints: input.maxPoints });
      const rates = hitRates(points);
      return points.map((point, index) => ({ ...isoDates(point), hitRate: rates[index] ?? null }));
    }),
});
