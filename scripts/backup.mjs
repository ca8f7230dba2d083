// `pnpm backup [--out FILE]`: a consistent copy of the dashboard's database, taken while it runs.
// SQLite (the default, in the data folder): `VACUUM INTO`, written to data/backups/ unless --out
// says where. PostgreSQL (DATABASE_URL=postgresql://…): pg_dump's custom format, for pg_restore.
// The same DATABASE_URL and CACHEFLEET_DATA_DIR as `pnpm start` select the database.
import path from "node:path";
import { parseArgs } from "node:util";

const usage = "usage: pnpm backup [--out FILE]   (FILE must not exist yet; default data/backups/cachefleet-<provider>-<UTC time>.db|.dump)";
const root = path.resolve(import.meta.dirname, "..");

let values;
try {
  ({ values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const { backupDatabase, backupFileName, BackupError, databaseTarget } = await import("@cachefleet/db");
const dataDir = path.resolve(process.env.CACHEFLEET_DATA_DIR ?? path.join(root, "data"));
const target = databaseTarget(process.env.DATABASE_URL, { dataDir, prismaDir: path.join(root, "prisma") });
const out = values.out ?? path.join(dataDir, "backups", backupFileName(target.provider));
try {
  const { file, bytes } = await backupDatabase(target, out);
  console.log(`Backed up the ${target.provider} database to ${file} (${bytes} bytes).`);
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(error.message);
  process.exit(1);
}
