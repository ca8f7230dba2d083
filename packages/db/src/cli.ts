// `pnpm db:migrate`: applies the committed migrations to the database DATABASE_URL names (or the
// SQLite file in CACHEFLEET_DATA_DIR, default ./data), exactly as `pnpm start` does before serving.
// For operators who deploy the dashboard themselves and migrate as a separate step.
import { readDatabaseEnv } from "./env.js";
import { migrateDatabase } from "./migrate.js";

const usage = "Usage: node dist/cli.js migrate   (DATABASE_URL or CACHEFLEET_DATA_DIR select the database)";

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0] !== "migrate") {
    console.error(usage);
    return 2;
  }
  const { target } = readDatabaseEnv();
  console.log(target.provider === "sqlite" ? `Migrating the SQLite database at ${target.file}…` : "Migrating the PostgreSQL database…");
  await migrateDatabase(target);
  console.log("The database is up to date.");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
