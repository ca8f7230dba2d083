// The key better-auth signs session cookies with: BETTER_AUTH_SECRET when set, otherwise one
// generated on first start and kept in the data folder (0600), so sessions survive restarts and
// every dashboard process on the same data folder signs alike.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const authSecretFileName = "auth-secret";

export function loadAuthSecret(options: { secret?: string | undefined; dataDir: string }): string {
  if (options.secret) return options.secret;
  const file = path.join(options.dataDir, authSecretFileName);
  const existing = readSecret(file);
  if (existing) return existing;
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  // Written aside and linked into place: link fails when another process got there first, and a
  // reader never sees a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  fs.writeFileSync(draft, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  try {
    fs.linkSync(draft, file);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
  const secret = readSecret(file);
  if (!secret) throw new Error(`${file} is empty; delete it or set BETTER_AUTH_SECRET.`);
  return secret;
}

function readSecret(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim() || null;
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return null;
    throw error;
  }
}
