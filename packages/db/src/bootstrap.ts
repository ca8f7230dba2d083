// First start: an empty database gets an admin account and an enrollment secret. Their plaintext
// exists only in what this returns, for the caller to show once and keep in a 0600 file.
import type { Db } from "./client.js";
import { createUser } from "./users.js";
import { createEnrollmentSecret } from "./machines.js";
import { newToken } from "./secrets.js";

export interface BootstrapCredentials {
  adminEmail: string;
  adminPassword: string;
  enrollmentSecret: string;
}

export async function bootstrapIfEmpty(
  db: Db,
  wanted: { adminEmail: string; adminPassword?: string; enrollmentSecret?: string },
): Promise<BootstrapCredentials | null> {
  if ((await db.user.count()) > 0) return null;
  const adminPassword = wanted.adminPassword ?? newToken(12);
  await createUser(db, wanted.adminEmail, adminPassword, "admin");
  const enrollmentSecret = await createEnrollmentSecret(db, "default", wanted.enrollmentSecret);
  return { adminEmail: wanted.adminEmail.toLowerCase(), adminPassword, enrollmentSecret };
}
