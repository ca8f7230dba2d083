// Accounts as the users page sees them. Signing in, sessions and password hashes belong to
// better-auth (packages/api/src/auth.ts); this file reads and changes the account rows.
import { providerOf, type Db } from "./client.js";
import { recordActivity } from "./activity.js";

export type Role = "admin" | "viewer";

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  /** From the activity log's sign-ins; null when the user never signed in. */
  lastSignInAt: Date | null;
}

export function toRole(role: string | null | undefined): Role {
  return role === "admin" ? "admin" : "viewer";
}

export async function listUsers(db: Db): Promise<UserView[]> {
  const [users, signIns] = await Promise.all([
    db.user.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.activityEvent.groupBy({ by: ["actorEmail"], where: { action: "sign-in" }, _max: { at: true } }),
  ]);
  const lastSignIn = new Map(signIns.map((row) => [row.actorEmail, row._max.at]));
  return users.map((user) => ({
    id: user.id,
    email: user.email,
    name: user.name,
    role: toRole(user.role),
    createdAt: user.createdAt,
    lastSignInAt: lastSignIn.get(user.email) ?? null,
  }));
}

export async function findUser(db: Db, id: string): Promise<SessionUser | null> {
  const user = await db.user.findUnique({ where: { id } });
  return user ? { id: user.id, email: user.email, role: toRole(user.role) } : null;
}

export async function countAdmins(db: Db): Promise<number> {
  return db.user.count({ where: { role: "admin" } });
}

export type AccountChange = { kind: "remove" } | { kind: "set-role"; role: Role };

/** Why a change is refused, in words for the admin, or null; given the state read under lock. */
export type AccountChangeRule = (change: AccountChange, actorId: string, target: SessionUser, adminCount: number) => string | null;

export type AccountChangeOutcome = { done: true; target: SessionUser } | { done: false; reason: "not-found" } | { done: false; reason: "refused"; message: string };

/**
 * Changes an account's role or removes it, in one transaction with its activity entry, deciding
 * by `rule` on what the transaction reads. On PostgreSQL every admin row (and the target) is
 * locked first, so two admins demoting each other at once are decided one after the other: the
 * second sees one admin left and is refused. (A plain count-then-update let both through.) SQLite
 * runs one writing transaction at a time. The actor must still be an admin when it runs.
 */
export async function changeAccount(db: Db, actor: { id: string; email: string }, targetId: string, change: AccountChange, rule: AccountChangeRule): Promise<AccountChangeOutcome> {
  return db.$transaction(
    async (tx): Promise<AccountChangeOutcome> => {
      if (providerOf(db) === "postgresql") {
        await tx.$queryRaw`SELECT "id" FROM "User" WHERE "role" = 'admin' OR "id" = ${targetId} ORDER BY "id" FOR UPDATE`;
      }
      const actorRow = await tx.user.findUnique({ where: { id: actor.id }, select: { role: true } });
      if (toRole(actorRow?.role) !== "admin") return { done: false, reason: "refused", message: "Only admins can do that." };
      const row = await tx.user.findUnique({ where: { id: targetId } });
      if (!row) return { done: false, reason: "not-found" };
      const target: SessionUser = { id: row.id, email: row.email, role: toRole(row.role) };
      const refusal = rule(change, actor.id, target, await tx.user.count({ where: { role: "admin" } }));
      if (refusal) return { done: false, reason: "refused", message: refusal };
      if (change.kind === "remove") await tx.user.delete({ where: { id: target.id } });
      else await tx.user.update({ where: { id: target.id }, data: { role: change.role } });
      await recordActivity(tx, {
        actorEmail: actor.email,
        action: change.kind === "remove" ? "user.removed" : "user.role-changed",
        subject: target.email,
        detail: change.kind === "remove" ? { role: target.role } : { from: target.role, to: change.role },
      });
      return { done: true, target };
    },
    // Waiting for another admin's change (its locks) is normal, not a failure; generous for a loaded machine.
    { maxWait: 30_000, timeout: 30_000 },
  );
}

/** Whether the role was written (false: the user no longer exists). */
export async function setUserRole(db: Db, id: string, role: Role): Promise<boolean> {
  return (await db.user.updateMany({ where: { id }, data: { role } })).count === 1;
}

/** Removes the account with its sessions and credentials (cascade); false when already gone. */
export async function removeUser(db: Db, id: string): Promise<boolean> {
  return (await db.user.deleteMany({ where: { id } })).count === 1;
}
