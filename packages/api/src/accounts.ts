// Creating accounts: by an admin on the users page, and the first admin on first start. Both go
// through better-auth so the password is hashed its way.
import { randomBytes } from "node:crypto";
import { isAPIError } from "better-auth/api";
import { createEnrollmentSecret, recordActivity, type Db, type Role, type SessionUser } from "@cachefleet/db";
import { createAuth, type Auth } from "./auth.js";

export interface NewAccount {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export class AccountExists extends Error {
  constructor(email: string) {
    super(`An account for ${email} already exists.`);
    this.name = "AccountExists";
  }
}

export async function createAccount(auth: Auth, account: NewAccount): Promise<SessionUser> {
  const email = account.email.trim().toLowerCase();
  try {
    // No request headers: a call from the server itself, which better-auth lets create accounts;
    // who may ask for one is decided before (adminProcedure).
    const { user } = await auth.api.createUser({ body: { email, name: account.name, password: account.password, role: account.role } });
    return { id: user.id, email: user.email, role: account.role };
  } catch (error) {
    if (isAPIError(error) && error.body?.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") throw new AccountExists(email);
    throw error;
  }
}

export interface BootstrapCredentials {
  adminEmail: string;
  adminPassword: string;
  enrollmentSecret: string;
}

/**
 * First start: an empty database gets an admin account and an enrollment secret. Their plaintext
 * exists only in what this returns, for the caller to show once and keep in a 0600 file. Creating
 * an account signs nothing, so any auth instance over `db` will do.
 */
export async function bootstrapIfEmpty(
  db: Db,
  wanted: { adminEmail: string; adminPassword?: string; enrollmentSecret?: string },
  auth: Auth = createAuth(db),
): Promise<BootstrapCredentials | null> {
  if ((await db.user.count()) > 0) return null;
  const adminPassword = wanted.adminPassword ?? randomBytes(12).toString("base64url");
  const admin = await createAccount(auth, { email: wanted.adminEmail, name: "Admin", role: "admin", password: adminPassword });
  const enrollmentSecret = await createEnrollmentSecret(db, "default", wanted.enrollmentSecret);
  return { adminEmail: admin.email, adminPassword, enrollmentSecret };
}

/**
 * better-auth signs in only emails with a dotted domain, and `pnpm start` used to make its first
 * admin admin@localhost. Such accounts become …@localhost.localdomain (the conventional full
 * name of localhost), keeping their password, so nobody is locked out. Returns the renames.
 */
export async function renameLocalhostAccounts(db: Db): Promise<{ from: string; to: string }[]> {
  const renamed: { from: string; to: string }[] = [];
  for (const user of await db.user.findMany({ where: { email: { endsWith: "@localhost" } } })) {
    const to = `${user.email}.localdomain`;
    if (await db.user.findUnique({ where: { email: to } })) continue;
    await db.user.update({ where: { id: user.id }, data: { email: to } });
    await recordActivity(db, { actorEmail: null, action: "user.renamed", subject: to, detail: { from: user.email, to } });
    renamed.push({ from: user.email, to });
  }
  return renamed;
}
