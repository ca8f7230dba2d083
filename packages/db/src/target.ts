// Which database Cachefleet uses, decided once from DATABASE_URL: a postgresql:// URL selects
// PostgreSQL; anything else (or nothing) is an SQLite file, by default in the data folder.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import { NameColumnsAsTextClient } from "./pg-name-columns.js";

type SqlDriverAdapter = Awaited<ReturnType<SqlDriverAdapterFactory["connect"]>>;

/**
 * Where the files the database needs are, given by the caller (the dashboard's env.ts, scripts,
 * the CLI, tests) instead of found from this package's own location: the dashboard bundles this
 * package, and bundled code has no folder of its own to start from.
 */
export interface DatabaseLocations {
  /** The folder of the SQLite file when DATABASE_URL is unset. */
  dataDir: string;
  /** The repository's prisma/ folder: <provider>/schema.prisma and <provider>/migrations. */
  prismaDir: string;
}

export type DatabaseTarget = (
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgresql"; url: string }
) & {
  /** The provider's schema and migrations, as shipped with this build. */
  schemaFile: string;
  migrationsDir: string;
};

export function databaseTarget(databaseUrl: string | undefined, locations: DatabaseLocations): DatabaseTarget {
  const url = databaseUrl?.trim();
  const shipped = (provider: DatabaseTarget["provider"]) => ({
    schemaFile: path.join(locations.prismaDir, provider, "schema.prisma"),
    migrationsDir: path.join(locations.prismaDir, provider, "migrations"),
  });
  if (!url) {
    const file = path.join(locations.dataDir, "cachefleet.db");
    return { provider: "sqlite", url: `file:${file}`, file, ...shipped("sqlite") };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url, ...shipped("postgresql") };
  if (url.startsWith("file:")) {
    const file = path.resolve(url.slice("file:".length));
    return { provider: "sqlite", url: `file:${file}`, file, ...shipped("sqlite") };
  }
  throw new Error(
    `DATABASE_URL must be a postgresql:// URL or an SQLite file: URL, got "${url.replace(/\/\/[^@]*@/, "//***@")}"`,
  );
}

/** The driver adapter the app queries through. */
export function createAdapter(target: DatabaseTarget): SqlDriverAdapterFactory {
  if (target.provider === "sqlite") return new TunedSqliteAdapterFactory(sqliteAdapter(target));
  return new PrismaPg({ connectionString: target.url, max: 10 });
}

/** The driver adapter the Prisma CLI migrates through (see pg-name-columns.ts). */
export function createMigrationAdapter(target: DatabaseTarget): PrismaBetterSQLite3 | PrismaPg {
  if (target.provider === "sqlite") return sqliteAdapter(target);
  return new PrismaPg({ connectionString: target.url, Client: NameColumnsAsTextClient, idleTimeoutMillis: 1 });
}

function sqliteAdapter(target: Extract<DatabaseTarget, { provider: "sqlite" }>): PrismaBetterSQLite3 {
  fs.mkdirSync(path.dirname(target.file), { recursive: true, mode: 0o700 });
  return new PrismaBetterSQLite3({ url: target.file, timeout: 10_000 });
}

/**
 * Sets `synchronous = NORMAL` on each connection the better-sqlite3 adapter opens (it has no
 * option for pragmas), when the file is in WAL mode (migrate.ts puts it there). With WAL, NORMAL
 * commits without an fsync (checkpoints still sync) and cannot corrupt the database; a power
 * loss may roll back the last commits. In the rollback-journal modes NORMAL is not that safe, so
 * such a file keeps SQLite's default, FULL.
 */
class TunedSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider: PrismaBetterSQLite3["provider"];
  readonly adapterName: string;
  readonly #inner: PrismaBetterSQLite3;

  constructor(inner: PrismaBetterSQLite3) {
    this.#inner = inner;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.#inner.connect();
    const mode = await adapter.queryRaw({ sql: "PRAGMA journal_mode", args: [], argTypes: [] });
    if (String(mode.rows[0]?.[0]).toLowerCase() === "wal") await adapter.executeScript("PRAGMA synchronous = NORMAL");
    return adapter;
  }
}
