// Accounts as the users page sees them. Signing in, sessions and password hashes belong to
// better-auth (packages/api/src/auth.ts); this file reads and changes the account rows.
import type { Db } from "./client.js";

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

/** Whether the role was written (false: the user no longer exists). */
export async function setUserRole(db: Db, id: string, role: Role): Promise<boolean> {
  return (await db.user.updateMany({ where: { id }, data: { role } })).count === 1;
}

/** Removes the account with its sessions and credentials (cascade); false when already gone. */
export async function removeUser(db: Db, id: string): Promise<boolean> {
  return (await db.user.deleteMany({ where: { id } })).count === 1;
}
