// The audit: machines by check (plaintext cache, mixed cache, Keychain key missing, …), with
// counts, pages of machines, and the rows a CSV export writes.
import { z } from "zod";
import { auditCheckNames, auditChecks, auditCounts, listAudit, type AuditCheck } from "@cachefleet/db";
import { router, userProcedure } from "../trpc.js";

const AuditCheckInput = z.enum(auditCheckNames as [AuditCheck, ...AuditCheck[]]);

export const auditRouter = router({
  summary: userProcedure.query(async ({ ctx }) => {
    const counts = await auditCounts(ctx.db);
    return auditCheckNames.map((check) => ({ check, rules: [...auditChecks[check]], count: counts[check] }));
  }),

  /** One page of the machines a check lists; without a check, the machines failing any. */
  machines: userProcedure
    .input(
      z.object({
        check: AuditCheckInput.nullable(),
        take: z.number().int().min(1).max(10_000).default(100),
        skip: z.number().int().min(0).default(0),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { total, rows } = await listAudit(ctx.db, input.check, { take: input.take, skip: input.skip });
      return { total, rows: rows.map((row) => ({ ...row, lastSeenAt: row.lastSeenAt ? row.lastSeenAt.toISOString() : null })) };
    }),
});
