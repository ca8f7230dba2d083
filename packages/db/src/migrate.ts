// Applies the committed migrations of the selected provider with the Prisma CLI (JS schema
// engine, see prisma.config.ts). Safe to run on every start: applied migrations are skipped.
// Runs only from Node callers of the checkout (start script, CLI, tests), never inside the
// dashboard's bundle, which still evaluates this module: so this package's own folder is looked
// up when a migration runs, not when the module loads.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { execa } from "execa";
import type { DatabaseTarget } from "./target.js";


/**
 * The SQLite file holds password hashes and sessions: its folder is made 0700 when created here,
 * and the file is created 0600 before the first connection opens it (SQLite gives its -wal and
 * -shm files the database file's mode), and set back to 0600 on every start.
 */
export function restrictSqliteFiles(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, "a", 0o600));
  for (const companion of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.chmodSync(companion, 0o600);
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
    }
  }
}

export async function migrateDatabase(target: DatabaseTarget): Promise<void> {
  if (target.provider === "sqlite") restrictSqliteFiles(target.file);
  const packageDir = path.resolve(import.meta.dirname, "..");
  const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  const result = await execa(process.execPath, [prismaCli, "migrate", "deploy", "--config", path.join(packageDir, "prisma.config.ts")], {
    cwd: packageDir,
    reject: false,
    all: true,
    env: {
      DATABASE_URL: target.url,
      // The schema and migrations the caller chose (prisma.config.ts reads them).
      CACHEFLEET_PRISMA_SCHEMA: target.schemaFile,
      CACHEFLEET_PRISMA_MIGRATIONS: target.migrationsDir,
      // The JS engine needs neither native binary; pointing these at an existing file stops the
      // CLI from trying to download them.
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  if (result.exitCode !== 0) {
    throw new Error(`Database migration failed (prisma migrate deploy exited ${result.exitCode}):\n${result.all ?? ""}`);
  }
  if (target.provider === "sqlite") {
    useWriteAheadLog(target.file);
    restrictSqliteFiles(target.file);
  }
}

/**
 * Puts the SQLite file in WAL mode, which the file keeps: readers no longer block the writer, and
 * with synchronous=NORMAL (set per connection, see target.ts) a commit needs no fsync. Without
 * it every queued command waited for one (~18 ms each here).
 */
function useWriteAheadLog(file: string): void {
  const connection = new Database(file, { timeout: 10_000 });
  try {
    const mode: unknown = connection.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`SQLite refused WAL mode for ${file} (journal_mode is ${String(mode)})`);
  } finally {
    connection.close();
  }
}
