// `pnpm restore FILE`: replaces the dashboard's database with a backup `pnpm backup` made, then
// applies any migrations the backup predates. Stop every dashboard instance first. What the
// database held before is saved beside FILE (before-restore-…), so a wrong restore can be undone
// by restoring that file. The same DATABASE_URL and CACHEFLEET_DATA_DIR as `pnpm start` select
// the database.
import path from "node:path";
import { parseArgs } from "node:util";

const usage = "usage: pnpm restore FILE   (a .db file for SQLite or a .dump file for PostgreSQL, made by pnpm backup)";
const root = path.resolve(import.meta.dirname, "..");

let positionals;
try {
  ({ positionals } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), allowPositionals: true, options: {} }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (positionals.length !== 1) {
  console.error(usage);
  process.exit(2);
}

const { BackupError, databaseTarget, migrateDatabase, restoreDatabase } = await import("@cachefleet/db");
const dataDir = path.resolve(process.env.CACHEFLEET_DATA_DIR ?? path.join(root, "data"));
const target = databaseTarget(process.env.DATABASE_URL, { dataDir, prismaDir: path.join(root, "prisma") });
try {
  const { previous } = await restoreDatabase(target, positionals[0]);
  await migrateDatabase(target);
  console.log(`Restored the ${target.provider} database from ${path.resolve(positionals[0])}.`);
  console.log(`What it held before is in ${previous}; restore that file to undo.`);
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(error.message);
  process.exit(1);
}
