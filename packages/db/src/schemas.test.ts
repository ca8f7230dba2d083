// The SQLite and PostgreSQL schemas must hold the same models: only the datasource may differ.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "./layout.js";

function modelsOf(provider: string): string {
  const schema = fs.readFileSync(path.join(repositoryRoot, "prisma", provider, "schema.prisma"), "utf8");
  return schema.slice(schema.indexOf("\nmodel ")).trim();
}

describe("prisma schemas", () => {
  it("define identical models for SQLite and PostgreSQL", () => {
    const sqlite = modelsOf("sqlite");
    expect(sqlite).toContain("model Machine {");
    expect(modelsOf("postgresql")).toBe(sqlite);
  });

  it("each have committed migrations", () => {
    for (const provider of ["sqlite", "postgresql"]) {
      const dir = path.join(repositoryRoot, "prisma", provider, "migrations");
      expect(fs.readFileSync(path.join(dir, "migration_lock.toml"), "utf8")).toContain(`provider = "${provider}"`);
      expect(fs.readdirSync(dir).filter((name) => fs.existsSync(path.join(dir, name, "migration.sql"))).length).toBeGreaterThan(0);
    }
  });
});
