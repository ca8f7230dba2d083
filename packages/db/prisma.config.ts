// Prisma CLI configuration. Prisma 6.19 runs migrations in its JS schema engine through the same
// driver adapters the app uses, so no native engine binary is ever downloaded. The provider is
// chosen once, from DATABASE_URL: postgresql:// selects PostgreSQL, anything else SQLite.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { createMigrationAdapter, databaseTarget } from "./src/target.js";

const target = databaseTarget(process.env.DATABASE_URL);
const prismaDir = path.resolve(import.meta.dirname, "../../prisma", target.provider);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(prismaDir, "schema.prisma"),
  migrations: { path: path.join(prismaDir, "migrations") },
  adapter: async () => createMigrationAdapter(target),
});
