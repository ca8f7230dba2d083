// The team policy: everyone reads it, admins change it; a change evaluates every machine's
// findings again at once, so the fleet reflects it without waiting for new reports.
import { getPolicy, getRetention, reevaluateFindings, updatePolicy, updateRetention, type Db } from "@cachefleet/db";
import { PolicyInput, RetentionInput } from "@cachefleet/contract";
import { evaluateHealth, overallHealth, type TeamPolicy } from "@cachefleet/health";
import { invalidatePolicy } from "../policy-cache.js";
import { adminProcedure, router, userProcedure } from "../trpc.js";
import { iso } from "../dates.js";

const gib = 1024 ** 3;

function policyView(policy: Awaited<ReturnType<typeof getPolicy>>) {
  return {
    requireEncryption: policy.requireEncryption,
    requireEncryptedFromGo: policy.requireEncryptedFromGo,
    cacheSizeWarningBytes: policy.cacheSizeWarningBytes,
    cacheSizeWarningGb: policy.cacheSizeWarningBytes / gib,
    offlineAfterMinutes: policy.offlineAfterMinutes,
    rotateKeyEveryDays: policy.rotateKeyEveryDays,
    updatedAt: iso(policy.updatedAt),
    updatedByEmail: policy.updatedByEmail,
  };
}

/** Evaluates every enrolled machine's latest report again under `policy`. */
export function reevaluateUnder(db: Db, policy: TeamPolicy) {
  return reevaluateFindings(db, (report) => {
    const findings = evaluateHealth(report, policy);
    return { health: overallHealth(findings), rules: findings.map((finding) => finding.rule) };
  });
}

export const policyRouter = router({
  get: userProcedure.query(async ({ ctx }) => policyView(await getPolicy(ctx.db))),

  update: adminProcedure.input(PolicyInput).mutation(async ({ ctx, input }) => {
    const rotateKeyEveryDays = input.rotateKeyEveryDays === undefined ? (await getPolicy(ctx.db)).rotateKeyEveryDays : input.rotateKeyEveryDays;
    const { after } = await updatePolicy(
      ctx.db,
      {
        requireEncryption: input.requireEncryption,
        requireEncryptedFromGo: input.requireEncryptedFromGo,
        cacheSizeWarningBytes: Math.round(input.cacheSizeWarningGb * gib),
        offlineAfterMinutes: input.offlineAfterMinutes,
        rotateKeyEveryDays,
      },
      ctx.user.email,
    );
    invalidatePolicy(ctx.db);
    const reevaluation = await reevaluateUnder(ctx.db, after);
    return { policy: policyView(after), reevaluation };
  }),

  retention: userProcedure.query(async ({ ctx }) => {
    const { keepAllReportsDays, keepDailyReportsDays, keepLogsDays, reportsThinnedBefore } = await getRetention(ctx.db);
    return { keepAllReportsDays, keepDailyReportsDays, keepLogsDays, reportsThinnedBefore: iso(reportsThinnedBefore ?? null) };
  }),

  updateRetention: adminProcedure.input(RetentionInput).mutation(async ({ ctx, input }) => updateRetention(ctx.db, input, ctx.user.email)),
});
