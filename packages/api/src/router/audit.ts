// The audit: machines by check (plaintext cache, mixed cache, Keychain key missing, …), with
// counts, pages of machines, and the rows a CSV export writes.
import { z } from "zod";
import { pageInput, pageOffset } from "@cachefleet/contract";
import { auditCheckNames, auditChecks, auditCounts, listAudit, type AuditCheck } from "@cachefleet/db";
import { router, userProcedure } from "../trpc.js";
import { isoDates } from "../dates.js";

const AuditCheckInput = z.enum(auditCheckNames as [AuditCheck, ...AuditCheck[]]);

export const auditRouter = router({
  summary: userProcedure.query(async ({ ctx }) => {
    const counts = await auditCounts(ctx.db);
    return auditCheckNames.map((check) => ({ check, rules: [...auditChecks[check]], count: counts[check] }));
  }),

  /** One page of the machines a check lists; without a check, the machines failing any. */
  machines: userProcedure
    .input(
      // Pages of up to 10,000 rows, for the CSV export.
      pageInput({ pageSize: 100, maxPageSize: 10_000 }).extend({ check: AuditCheckInput.nullable() }),
    )
    .query(async ({ ctx, input }) => {
      const { total, rows } = await listAudit(ctx.db, input.check, { take: input.pageSize, skip: pageOffset(input) });
      return { total, rows: rows.map(isoDates) };
    }),
});
