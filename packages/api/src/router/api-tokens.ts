// API tokens for automation: admins list, create (the plaintext is in the create answer only) and
// revoke them. Minting and revoking need a signed-in admin, so a leaked token cannot renew itself.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NewApiToken } from "@cachefleet/contract";
import { ApiTokenNameTaken, createApiToken, listApiTokens, revokeApiToken } from "@cachefleet/db";
import { adminProcedure, router, sessionAdminProcedure } from "../trpc.js";
import { iso } from "../dates.js";

const dayMs = 24 * 60 * 60 * 1000;

export const apiTokensRouter = router({
  list: adminProcedure.query(async ({ ctx }) =>
    (await listApiTokens(ctx.db)).map((token) => ({
      ...token,
      createdAt: iso(token.createdAt),
      expiresAt: iso(token.expiresAt),
      lastUsedAt: iso(token.lastUsedAt),
      revokedAt: iso(token.revokedAt),
    })),
  ),

  /** The token's plaintext is in this answer only. */
  create: sessionAdminProcedure.input(NewApiToken).mutation(async ({ ctx, input }) => {
    const now = new Date();
    const expiresAt = input.expiresInDays === undefined ? null : new Date(now.getTime() + input.expiresInDays * dayMs);
    try {
      const created = await createApiToken(ctx.db, { name: input.name, scope: input.scope, expiresAt, createdBy: ctx.user }, now);
      return { ...created, expiresAt: iso(created.expiresAt) };
    } catch (error) {
      if (error instanceof ApiTokenNameTaken) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
      throw error;
    }
  }),

  revoke: sessionAdminProcedure.input(z.object({ tokenId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const outcome = await revokeApiToken(ctx.db, input.tokenId, ctx.user.email);
    if (!outcome) throw new TRPCError({ code: "NOT_FOUND", message: "No such API token." });
    return outcome;
  }),
});
