// The team policy: everyone reads it, admins change it; a change evaluates every machine's
// findings again at once, so the fleet reflects it without waiting for new reports.
import { z } from "zod";
import { getPolicy, getRetention, reevaluateFindings, updatePolicy, updateRetention, type Db } from "@cachefleet/db";
import { evaluateHealth, goReleasePattern, overallHealth, type TeamPolicy } from "@cachefleet/health";
import { invalidatePolicy } from "../policy-cache.js";
import { adminProcedure, router, userProcedure } from "../trpc.js";

const gib = 1024 ** 3;

export const PolicyInput = z.object({
  requireEncryption: z.boolean(),
  requireEncryptedFromGo: z.string().trim().regex(goReleasePattern, 'Give a Go release such as "1.22" or "1.21.5".'),
  /**
   * Whole or fractional GB (GiB, as the dashboard shows sizes), up to 10 TB, stored as whole bytes:
   * a threshold that rounds to 0 bytes (1e-300 GB) is refused, because agents' policy answers
   * (AgentPolicy) require a positive byte count.
   */
  cacheSizeWarningGb: z
    .number()
    .positive("The size threshold must be above 0 GB.")
    .max(10_240, "The size threshold is at most 10,240 GB.")
    .refine((gb) => Math.round(gb * gib) >= 1, "The size threshold must be at least one byte."),
  offlineAfterMinutes: z.number().int("Give whole minutes.").min(1, "At least 1 minute.").max(43_200, "At most 43,200 minutes (30 days)."),
  /** Rotate the cache key at least every this many days; null for no age. Left out: unchanged. */
  rotateKeyEveryDays: z.number().int("Give whole days.").min(1, "At least 1 day.").max(3650, "At most 3,650 days (10 years).").nullable().optional(),
});

const retentionDays = (what: string) =>
  z
    .number()
    .int("Give whole days.")
    .min(1, `${what}: at least 1 day.`)
    .max(3650, `${what}: at most 3,650 days (10 years).`);

/** How long report history and logs are kept (see packages/db retention.ts). */
export const RetentionInput = z
  .object({
    keepAllReportsDays: retentionDays("Every report"),
    keepDailyReportsDays: retentionDays("One report a day"),
    keepLogsDays: retentionDays("Logs"),
  })
  .refine((input) => input.keepDailyReportsDays >= input.keepAllReportsDays, {
    path: ["keepDailyReportsDays"],
    message: "Keep one report a day at least as long as every report.",
  });

function policyView(policy: Awaited<ReturnType<typeof getPolicy>>) {
  return {
    requireEncryption: policy.requireEncryption,
    requireEncryptedFromGo: policy.requireEncryptedFromGo,
    cacheSizeWarningBytes: policy.cacheSizeWarningBytes,
    cacheSizeWarningGb: policy.cacheSizeWarningBytes / gib,
    offlineAfterMinutes: policy.offlineAfterMinutes,
    rotateKeyEveryDays: policy.rotateKeyEveryDays,
    updatedAt: policy.updatedAt.toISOString(),
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
    return { keepAllReportsDays, keepDailyReportsDays, keepLogsDays, reportsThinnedBefore: reportsThinnedBefore?.toISOString() ?? null };
  }),

  updateRetention: adminProcedure.input(RetentionInput).mutation(async ({ ctx, input }) => updateRetention(ctx.db, input, ctx.user.email)),
});
