// Applies the committed migrations of the selected provider with the Prisma CLI (JS schema
// engine, see prisma.config.ts). Safe to run on every start: applied migrations are skipped.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
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
}
