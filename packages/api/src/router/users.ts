// The users page: everyone signed in sees the accounts; admins create them, change their role and
// remove them, within the rules of account-rules.ts. Every change goes to the activity log. These
// procedures are the only door for account changes: better-auth's own admin endpoints are not
// served (see auth-http.ts).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NewUserInput, UserRole } from "@cachefleet/contract";
import { changeAccount, listUsers, recordActivity } from "@cachefleet/db";
import { AccountExists, createAccount } from "../accounts.js";
import { refuseAccountChange, type AccountChange } from "../account-rules.js";
import { adminProcedure, router, userProcedure, type Context } from "../trpc.js";
import { iso } from "../dates.js";

const UserId = z.string().min(1).max(64);

async function applyChange(ctx: Context & { user: NonNullable<Context["user"]> }, userId: string, change: AccountChange) {
  const outcome = await changeAccount(ctx.db, ctx.user, userId, change, refuseAccountChange);
  if (outcome.done) return;
  if (outcome.reason === "not-found") throw new TRPCError({ code: "NOT_FOUND", message: "That user no longer exists." });
  throw new TRPCError({ code: "BAD_REQUEST", message: outcome.message });
}

export const usersRouter = router({
  list: userProcedure.query(async ({ ctx }) => {
    const users = await listUsers(ctx.db);
    return users.map((user) => ({
      ...user,
      createdAt: iso(user.createdAt),
      lastSignInAt: iso(user.lastSignInAt),
      isYou: user.id === ctx.user.id,
    }));
  }),

  create: adminProcedure.input(NewUserInput).mutation(async ({ ctx, input }) => {
    try {
      const user = await createAccount(ctx.auth, input);
      await recordActivity(ctx.db, { actorEmail: ctx.user.email, action: "user.created", subject: user.email, detail: { role: user.role } });
      return user;
    } catch (error) {
      if (error instanceof AccountExists) throw new TRPCError({ code: "CONFLICT", message: error.message });
      throw error;
    }
  }),

  setRole: adminProcedure.input(z.object({ userId: UserId, role: UserRole })).mutation(async ({ ctx, input }) => {
    await applyChange(ctx, input.userId, { kind: "set-role", role: input.role });
  }),

  remove: adminProcedure.input(z.object({ userId: UserId })).mutation(async ({ ctx, input }) => {
    await applyChange(ctx, input.userId, { kind: "remove" });
  }),
});
