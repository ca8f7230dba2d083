// `pnpm db:migrate` runs the built CLI: it must migrate a fresh SQLite file, be safe to run again,
// and answer a wrong invocation with its usage and exit code 2.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";

const cli = path.resolve(import.meta.dirname, "../dist/cli.js");
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-db-cli-"));
  dirs.push(dir);
  return dir;
}

describe("the db:migrate command", () => {
  it("creates and migrates the SQLite database in the data folder, and a second run changes nothing", async () => {
    const dataDir = tempDataDir();
    const env = { ...process.env, DATABASE_URL: "", CACHEFLEET_DATA_DIR: dataDir };
    const first = await execa(process.execPath, [cli, "migrate"], { env, reject: false });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain("up to date");
    const file = path.join(dataDir, "cachefleet.db");
    const connection = new Database(file, { readonly: true });
    const applied = connection.prepare("select count(*) as n from _prisma_migrations where finished_at is not null").get() as { n: number };
    const tables = connection.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    connection.close();
    const migrationFolders = fs.readdirSync(path.resolve(import.meta.dirname, "../../../prisma/sqlite/migrations")).filter((name) => /^\d+_/.test(name));
    expect(applied.n).toBe(migrationFolders.length);
    expect(tables.map((table) => table.name)).toContain("Machine");

    const again = await execa(process.execPath, [cli, "migrate"], { env, reject: false });
    expect(again.exitCode, again.stderr).toBe(0);
  });

  it("prints its usage and exits 2 when asked for anything else", async () => {
    const result = await execa(process.execPath, [cli, "migrat"], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("Usage: node dist/cli.js migrate");
  });
});
