// Fresh, migrated databases for tests: an SQLite file in a temp dir, and a PostgreSQL database
// created for the test and dropped after. PostgreSQL tests run when a server answers at
// CACHEFLEET_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDatabase, type Database } from "../client.js";
import { migrateDatabase } from "../migrate.js";
import { checkoutLocations } from "../layout.js";
import { databaseTarget, type DatabaseTarget } from "../target.js";

export const postgresAdminUrl = process.env.CACHEFLEET_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

export async function createTestDatabase(provider: "sqlite" | "postgresql"): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-db-"));
    const target = databaseTarget(`file:${path.join(dir, "test.db")}`, checkoutLocations(dir));
    await migrateDatabase(target);
    const database = createDatabase(target);
    return {
      ...database,
      drop: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `cachefleet_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const target = databaseTarget(url.toString(), checkoutLocations());
  await migrateDatabase(target);
  const database = createDatabase(target);
  return {
    ...database,
    drop: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: postgresAdminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * Takes a test's PostgreSQL database down for its clients, for real: new connections are refused
 * ("database … is not currently accepting connections") and every open one is terminated, as when
 * the server restarts or an operator locks the database. `allowed = true` lets clients in again.
 */
export async function setPostgresConnectionsAllowed(target: DatabaseTarget, allowed: boolean): Promise<void> {
  if (target.provider !== "postgresql") throw new Error("setPostgresConnectionsAllowed takes a PostgreSQL database");
  const name = decodeURIComponent(new URL(target.url).pathname.slice(1));
  if (!/^cachefleet_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to lock ${name}: not a test database`);
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allowed ? "true" : "false"}`);
    if (!allowed) await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
  } finally {
    await admin.end();
  }
}

/** The providers this run can test, saying plainly when PostgreSQL is skipped. */
export async function testedProviders(): Promise<("sqlite" | "postgresql")[]> {
  if (await postgresReachable()) return ["sqlite", "postgresql"];
  console.warn(`PostgreSQL is not reachable at ${postgresAdminUrl}: skipping the PostgreSQL database tests.`);
  return ["sqlite"];
}

// Agent reports for seeding, from the contract's one builder: the end-to-end suite reaches the
// contract only through this package.
export * from "@cachefleet/contract/test-support";
export { reportDigest } from "@cachefleet/contract/digest";
