// Prisma CLI configuration. Prisma 6.19 runs migrations in its JS schema engine through the same
// driver adapters the app uses, so no native engine binary is ever downloaded. The provider is
// chosen once, from DATABASE_URL: postgresql:// selects PostgreSQL, anything else SQLite.
// migrateDatabase passes the schema and migrations its caller chose; run by hand, the CLI uses
// this checkout's.
import { defineConfig } from "prisma/config";
import { readDatabaseEnv } from "./src/env.js";
import { createMigrationAdapter } from "./src/target.js";

const { target, schemaFile, migrationsDir } = readDatabaseEnv();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: schemaFile,
  migrations: { path: migrationsDir },
  adapter: async () => createMigrationAdapter(target),
});
