// Accounts and browser sessions.
import type { Db } from "./client.js";
import { hashPassword, hashToken, newToken, verifyPassword } from "./secrets.js";

export type Role = "admin" | "viewer";

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
}

const sessionLifetimeMs = 7 * 24 * 60 * 60 * 1000;

function toRole(role: string): Role {
  return role === "viewer" ? "viewer" : "admin";
}

export async function createUser(db: Db, email: string, password: string, role: Role): Promise<SessionUser> {
  const user = await db.user.create({
    data: { email: email.toLowerCase(), role, accounts: { create: { accountId: email.toLowerCase(), providerId: "credential", password: hashPassword(password) } } },
  });
  return { id: user.id, email: user.email, role: toRole(user.role) };
}

/** Checks a password and opens a session; null when the email or password is wrong. */
export async function signIn(db: Db, email: string, password: string): Promise<{ token: string; expiresAt: Date } | null> {
  const user = await db.user.findUnique({ where: { email: email.toLowerCase() }, include: { accounts: { where: { providerId: "credential" } } } });
  const stored = user?.accounts[0]?.password;
  if (!user || !stored || !verifyPassword(password, stored)) return null;
  const token = newToken();
  const expiresAt = new Date(Date.now() + sessionLifetimeMs);
  await db.session.create({ data: { token: hashToken(token), userId: user.id, expiresAt } });
  return { token, expiresAt };
}

export async function findSessionUser(db: Db, token: string): Promise<SessionUser | null> {
  const session = await db.session.findUnique({ where: { token: hashToken(token) }, include: { user: true } });
  if (!session || session.expiresAt.getTime() < Date.now()) return null;
  return { id: session.user.id, email: session.user.email, role: toRole(session.user.role) };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { token: hashToken(token) } });
}
