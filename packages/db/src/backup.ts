// Backing up and restoring the dashboard's database. SQLite: `VACUUM INTO`, one read transaction,
// so the copy is consistent while the dashboard keeps writing (WAL: readers never block the
// writer); restore writes the copy back through SQLite's backup API, which takes the proper locks
// and leaves no stale WAL behind. PostgreSQL: pg_dump's custom format and pg_restore. Before a
// restore overwrites anything, the current database is itself backed up beside the source, so a
// wrong restore can be undone.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { execa } from "execa";
import pg from "pg";
import type { DatabaseTarget } from "./target.js";

export class BackupError extends Error {}

/** The file name a backup taken now gets: provider and UTC time, sortable. */
export function backupFileName(provider: DatabaseTarget["provider"], now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `cachefleet-${provider}-${stamp}.${provider === "sqlite" ? "db" : "dump"}`;
}

/** Writes a consistent copy of the database to `destination`, which must not exist yet. */
export async function backupDatabase(target: DatabaseTarget, destination: string): Promise<{ file: string; bytes: number }> {
  const file = path.resolve(destination);
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists; choose a new file name (a backup never overwrites one).`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (target.provider === "sqlite") {
    if (!fs.existsSync(target.file)) throw new BackupError(`There is no SQLite database at ${target.file}.`);
    const source = new Database(target.file, { fileMustExist: true, timeout: 10_000 });
    try {
      source.prepare("VACUUM INTO ?").run(file);
    } finally {
      source.close();
    }
  } else {
    const result = await execa("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", file], {
      env: libpqEnvironment(target.url),
      reject: false,
      all: true,
    });
    if (result.failed) {
      fs.rmSync(file, { force: true });
      throw new BackupError(`pg_dump failed (${result.exitCode ?? "not started"}): ${(result.all ?? result.message).trim()}`);
    }
  }
  // The copy holds password hashes and session tokens: readable by the owner only.
  fs.chmodSync(file, 0o600);
  return { file, bytes: fs.statSync(file).size };
}

/**
 * Replaces the database's contents with the backup in `source`. Stop every dashboard instance
 * first: a running one would keep serving what it holds in memory. Returns the file the previous
 * contents were saved to. Run the migrations afterwards (a backup from an older release lacks the
 * newer ones).
 */
export async function restoreDatabase(target: DatabaseTarget, source: string, now = new Date()): Promise<{ previous: string }> {
  const file = path.resolve(source);
  if (!fs.existsSync(file)) throw new BackupError(`There is no backup at ${file}.`);
  if (target.provider === "sqlite") checkSqliteBackup(file);
  else await checkPostgresBackup(file);
  const previous = unusedName(path.join(path.dirname(file), `before-restore-${backupFileName(target.provider, now)}`));
  if (target.provider === "sqlite") {
    if (fs.existsSync(target.file)) await backupDatabase(target, previous);
    const backup = new Database(file, { readonly: true, fileMustExist: true });
    try {
      await backup.backup(target.file);
    } finally {
      backup.close();
    }
    return { previous };
  }
  await backupDatabase(target, previous);
  await emptyPublicSchema(target.url);
  const result = await execa("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--dbname", databaseNameOf(target.url), file], {
    env: libpqEnvironment(target.url),
    reject: false,
    all: true,
  });
  if (result.failed) {
    throw new BackupError(
      `pg_restore failed (${result.exitCode ?? "not started"}); the database may be empty, restore ${previous} to undo: ${(result.all ?? result.message).trim()}`,
    );
  }
  return { previous };
}

/** `file`, or `file` with -2, -3… before its extension when that exists already (two restores in one second). */
function unusedName(file: string): string {
  const extension = path.extname(file);
  let candidate = file;
  for (let attempt = 2; fs.existsSync(candidate); attempt++) candidate = `${file.slice(0, -extension.length)}-${attempt}${extension}`;
  return candidate;
}

/** Refuses a file that is not an SQLite database of this dashboard, before anything is overwritten. */
function checkSqliteBackup(file: string): void {
  let backup: Database.Database | null = null;
  try {
    backup = new Database(file, { readonly: true, fileMustExist: true });
    const integrity: unknown = backup.pragma("quick_check", { simple: true });
    if (integrity !== "ok") throw new BackupError(`${file} is damaged (quick_check: ${String(integrity)}); nothing was restored.`);
    const table = backup.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) throw new BackupError(`${file} is not a Cachefleet database (no migrations table); nothing was restored.`);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not an SQLite database (${error instanceof Error ? error.message : String(error)}); nothing was restored.`);
  } finally {
    backup?.close();
  }
}

async function checkPostgresBackup(file: string): Promise<void> {
  const listing = await execa("pg_restore", ["--list", file], { reject: false, all: true });
  if (listing.failed) throw new BackupError(`${file} is not a pg_dump archive (${(listing.all ?? listing.message).trim()}); nothing was restored.`);
  if (!/TABLE \S+ _prisma_migrations /.test(listing.stdout)) {
    throw new BackupError(`${file} is not a Cachefleet database (no migrations table); nothing was restored.`);
  }
}

/**
 * Drops and recreates the public schema, so the restore yields exactly the backup's tables
 * (pg_restore --clean would leave tables a newer release added, and the migrations would then
 * fail to create them again).
 */
async function emptyPublicSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("DROP SCHEMA IF EXISTS public CASCADE");
    await client.query("CREATE SCHEMA public");
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

/**
 * The connection as libpq's environment variables: a URL on pg_dump's command line would show
 * its password to anyone running `ps`.
 */
function libpqEnvironment(url: string): Record<string, string> {
  const parsed = new URL(url);
  const environment: Record<string, string> = { PGDATABASE: databaseNameOf(url) };
  if (parsed.hostname) environment.PGHOST = decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, ""));
  if (parsed.port) environment.PGPORT = parsed.port;
  if (parsed.username) environment.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) environment.PGPASSWORD = decodeURIComponent(parsed.password);
  const sslMode = parsed.searchParams.get("sslmode");
  if (sslMode) environment.PGSSLMODE = sslMode;
  const host = parsed.searchParams.get("host");
  if (host) environment.PGHOST = host;
  return environment;
}
