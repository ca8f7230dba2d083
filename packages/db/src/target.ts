// Which database Cachefleet uses, decided once from DATABASE_URL: a postgresql:// URL selects
// PostgreSQL; anything else (or nothing) is an SQLite file, by default in the data folder.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { NameColumnsAsTextClient } from "./pg-name-columns.js";

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgresql"; url: string };

export const repositoryRoot = path.resolve(import.meta.dirname, "../../..");
export const defaultDataDir = path.join(repositoryRoot, "data");

export function databaseTarget(databaseUrl: string | undefined, dataDir: string = defaultDataDir): DatabaseTarget {
  const url = databaseUrl?.trim();
  if (!url) {
    const file = path.join(dataDir, "cachefleet.db");
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  if (url.startsWith("file:")) {
    const file = path.resolve(url.slice("file:".length));
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  throw new Error(
    `DATABASE_URL must be a postgresql:// URL or an SQLite file: URL, got "${url.replace(/\/\/[^@]*@/, "//***@")}"`,
  );
}

/** The driver adapter the app queries through. */
export function createAdapter(target: DatabaseTarget): PrismaBetterSQLite3 | PrismaPg {
  if (target.provider === "sqlite") {
    fs.mkdirSync(path.dirname(target.file), { recursive: true });
    return new PrismaBetterSQLite3({ url: target.file, timeout: 10_000 });
  }
  return new PrismaPg({ connectionString: target.url, max: 10 });
}

/** The driver adapter the Prisma CLI migrates through (see pg-name-columns.ts). */
export function createMigrationAdapter(target: DatabaseTarget): PrismaBetterSQLite3 | PrismaPg {
  if (target.provider === "sqlite") return createAdapter(target);
  return new PrismaPg({ connectionString: target.url, Client: NameColumnsAsTextClient, idleTimeoutMillis: 1 });
}
