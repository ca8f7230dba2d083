// Enrollment administration: named enrollment secrets and enrolled machines. Everyone signed in
// reads; only admins create or revoke. Revoking a machine also ends its open command stream on
// this instance at once (other instances end theirs at their next re-read of the queue).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { PageInput } from "@cachefleet/contract";
import { createNamedEnrollmentSecret, listEnrolledMachines, listEnrollmentSecrets, revokeEnrollmentSecret, revokeMachine } from "@cachefleet/db";
import { adminProcedure, router, userProcedure } from "../trpc.js";
import { iso } from "../dates.js";

const id = z.string().min(1).max(64);

export const enrollmentRouter = router({
  secrets: userProcedure.query(async ({ ctx }) =>
    (await listEnrollmentSecrets(ctx.db)).map((secret) => ({
      ...secret,
      createdAt: iso(secret.createdAt),
      lastUsedAt: iso(secret.lastUsedAt),
      revokedAt: iso(secret.revokedAt),
    })),
  ),

  /** The secret's plaintext is in this answer only. */
  createSecret: adminProcedure
    .input(z.object({ name: z.string().trim().min(1, "Give the secret a name.").max(100, "At most 100 characters.") }))
    .mutation(async ({ ctx, input }) => createNamedEnrollmentSecret(ctx.db, input.name, ctx.user.email)),

  revokeSecret: adminProcedure.input(z.object({ secretId: id })).mutation(async ({ ctx, input }) => {
    const outcome = await revokeEnrollmentSecret(ctx.db, input.secretId, ctx.user.email);
    if (!outcome) throw new TRPCError({ code: "NOT_FOUND", message: "No such enrollment secret." });
    return outcome;
  }),

  machines: userProcedure
    .input(PageInput.prefault({}))
    .query(async ({ ctx, input: { page, pageSize } }) => {
      const { machines, total } = await listEnrolledMachines(ctx.db, { page, pageSize });
      return {
        page,
        pageSize,
        total,
        machines: machines.map((machine) => ({
          ...machine,
          enrolledAt: iso(machine.enrolledAt),
          lastSeenAt: iso(machine.lastSeenAt),
          revokedAt: iso(machine.revokedAt),
        })),
      };
    }),

  revokeMachine: adminProcedure.input(z.object({ machineId: id })).mutation(async ({ ctx, input }) => {
    const outcome = await revokeMachine(ctx.db, input.machineId, ctx.user.email);
    if (!outcome) throw new TRPCError({ code: "NOT_FOUND", message: "No such machine." });
    // Refused from this request on here; other dashboard instances stop believing the token
    // within their cache's few seconds (agent-tokens.ts).
    ctx.agentTokens.forget(input.machineId);
    // Wakes the machine's command stream, which finds the machine revoked and ends.
    ctx.notifier.notify(input.machineId);
    return outcome;
  }),
});
