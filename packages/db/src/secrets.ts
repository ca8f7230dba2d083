// Secrets never rest in the database: tokens and enrollment secrets are random and stored as
// SHA-256. Passwords are better-auth's business now; the scrypt$<salt>$<key> format below is how
// accounts made before it were stored, and still verifies until their owners change password.
import { createHash, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const scryptKeyLength = 64;

/** A password hash in the old format: only to recreate carried-over accounts in tests. */
export function hashLegacyPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, scryptKeyLength);
  return `scrypt$${salt.toString("base64")}$${key.toString("base64")}`;
}

export function isLegacyPasswordHash(stored: string): boolean {
  return stored.startsWith("scrypt$");
}

export function verifyLegacyPassword(password: string, stored: string): boolean {
  const [scheme, saltText, keyText] = stored.split("$");
  if (scheme !== "scrypt" || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, "base64");
  const actual = scryptSync(password, Buffer.from(saltText, "base64"), expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * A new enrollment secret. The prefix keeps it from starting with "-" (base64url may), which a
 * command line would read as an option, and makes a leaked one easy to recognise.
 */
export function newEnrollmentSecret(): string {
  return `cfe_${newToken(24)}`;
}
