// Applies the committed migrations of the selected provider with the Prisma CLI (JS schema
// engine, see prisma.config.ts). Safe to run on every start: applied migrations are skipped.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { execa } from "execa";
import type { DatabaseTarget } from "./target.js";

const packageDir = path.resolve(import.meta.dirname, "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

export async function migrateDatabase(target: DatabaseTarget): Promise<void> {
  if (target.provider === "sqlite") fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const result = await execa(process.execPath, [prismaCli, "migrate", "deploy", "--config", path.join(packageDir, "prisma.config.ts")], {
    cwd: packageDir,
    reject: false,
    all: true,
    env: {
      DATABASE_URL: target.url,
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
  if (target.provider === "sqlite") useWriteAheadLog(target.file);
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
