// Generates both Prisma clients (SQLite and PostgreSQL). The Rust-free client needs no engine
// binaries; pointing these variables at an existing file stops the CLI from downloading them.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";

const packageDir = path.resolve(import.meta.dirname, "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
  PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

for (const provider of ["sqlite", "postgresql"]) {
  const schema = path.resolve(packageDir, "../../prisma", provider, "schema.prisma");
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], { cwd: packageDir, env, stdio: "inherit" });
}
