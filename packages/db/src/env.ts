// The environment of this package's own entry points — the migrate CLI (cli.ts) and the Prisma
// CLI's configuration (prisma.config.ts) — read and validated once, and turned into the database
// they work on. The rest of the package reads no environment: the dashboard validates its own
// (apps/dashboard/src/env.ts) and hands db what it decided.
import { z } from "zod";
import { checkoutLocations } from "./layout.js";
import { databaseTarget, type DatabaseTarget } from "./target.js";

/** An unset variable and an empty one both mean "not given", as a shell's `VAR= cmd` intends. */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || undefined);

const DatabaseEnvSchema = z.object({
  /** postgresql://… or file:…; databaseTarget decides which (and refuses anything else). */
  DATABASE_URL: optionalText,
  /** The folder of the SQLite file when DATABASE_URL is unset; default: the checkout's ./data. */
  CACHEFLEET_DATA_DIR: optionalText,
  /** The schema and migrations migrateDatabase hands the Prisma CLI; unset: the provider's own. */
  CACHEFLEET_PRISMA_SCHEMA: optionalText,
  CACHEFLEET_PRISMA_MIGRATIONS: optionalText,
});

export interface DatabaseEnv {
  target: DatabaseTarget;
  /** The schema and migrations folder the Prisma CLI uses. */
  schemaFile: string;
  migrationsDir: string;
}

export function readDatabaseEnv(source: NodeJS.ProcessEnv = process.env): DatabaseEnv {
  const parsed = DatabaseEnvSchema.safeParse(source);
  if (!parsed.success) throw new Error(`The database environment is invalid:\n${z.prettifyError(parsed.error)}`);
  const env = parsed.data;
  const target = databaseTarget(env.DATABASE_URL, checkoutLocations(env.CACHEFLEET_DATA_DIR));
  return {
    target,
    schemaFile: env.CACHEFLEET_PRISMA_SCHEMA ?? target.schemaFile,
    migrationsDir: env.CACHEFLEET_PRISMA_MIGRATIONS ?? target.migrationsDir,
  };
}
