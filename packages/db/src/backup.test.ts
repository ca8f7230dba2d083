// Backup and restore on real databases (SQLite; PostgreSQL with the real pg_dump and pg_restore):
// a backup taken while writes keep landing is consistent; after more changes, a restore brings the
// fleet back exactly as it was at the backup, keeps what it replaced, and a file that is not a
// backup changes nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport } from "@cachefleet/contract/test-support";
import { backupDatabase, BackupError, restoreDatabase } from "./backup.js";
import { createDatabase, type Db } from "./client.js";
import { enqueueCommand } from "./command-queue.js";
import { createEnrollmentSecret, enrollMachine, recordReport } from "./machines.js";
import { migrateDatabase } from "./migrate.js";
import { databaseReadiness } from "./operations.js";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";

const providers = await testedProviders();

/** What an admin sees of the fleet: machines with their latest report, every report, the queue. */
async function fleetState(db: Db) {
  return {
    machines: await db.machine.findMany({ select: { id: true, hostname: true, latestReportId: true, cacheVerdict: true, revokedAt: true }, orderBy: { id: "asc" } }),
    reports: (await db.report.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((row) => row.id),
    commands: await db.command.findMany({ select: { id: true, status: true, machineId: true }, orderBy: { id: "asc" } }),
  };
}

async function enrollAndReport(db: Db, secret: string, hostname: string, plaintext: number): Promise<string> {
  const { machineId } = await enrollMachine(db, secret, { hostname, username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" });
  await recordReport(db, machineId, agentReport({ hostname, plaintext, encrypted: 0, entryBytes: 10 }), { health: "warning", rules: ["plaintext-cache"] });
  return machineId;
}

describe.each(providers)("backup and restore on %s", (provider) => {
  let database: TestDatabase;
  let dir: string;
  let secret: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-backups-"));
    secret = await createEnrollmentSecret(database.db, "default");
    for (let index = 0; index < 5; index++) await enrollAndReport(database.db, secret, `mac-${index}`, index + 1);
  });

  afterAll(async () => {
    await database?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("takes a consistent backup while reports keep landing", async () => {
    const before = (await fleetState(database.db)).machines.length;
    let writing = true;
    let written = 0;
    let failure: unknown = null;
    const writer = (async () => {
      while (writing) {
        await enrollAndReport(database.db, secret, `busy-${written}`, 1);
        written += 1;
        // SQLite's driver answers synchronously, so without this the loop would never let the
        // timers (and the backup) run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })().catch((error: unknown) => void (failure = error));
    // Some writes land before the backup starts, and the writer goes on while it runs.
    while (written < 3 && failure === null) await new Promise((resolve) => setTimeout(resolve, 5));
    const { file, bytes } = await backupDatabase(database.target, path.join(dir, "while-busy"));
    writing = false;
    await writer;
    expect(failure).toBeNull();
    expect(bytes).toBeGreaterThan(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    // Restored into a database of its own: every machine that names a latest report has it (no
    // torn write). A machine enrolled a moment before the snapshot may have none yet: enrolling
    // and reporting are two transactions.
    const copy = await createTestDatabase(provider);
    try {
      await restoreDatabase(copy.target, file);
      const restored = createDatabase(copy.target);
      try {
        const state = await fleetState(restored.db);
        expect(state.machines.length).toBeGreaterThanOrEqual(before + 3);
        expect(state.machines.length).toBeLessThanOrEqual(before + written);
        for (const machine of state.machines) if (machine.latestReportId !== null) expect(state.reports).toContain(machine.latestReportId);
        expect(state.machines.filter((machine) => machine.latestReportId !== null).length).toBeGreaterThanOrEqual(3);
      } finally {
        await restored.close();
      }
    } finally {
      await copy.drop();
    }
  });

  it("restores the fleet as it was at the backup, and keeps what it replaced", async () => {
    const machineId = (await database.db.machine.findFirstOrThrow({ where: { hostname: "mac-0" } })).id;
    await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
    const atBackup = await fleetState(database.db);
    const { file } = await backupDatabase(database.target, path.join(dir, `quiet.${provider === "sqlite" ? "db" : "dump"}`));

    // Yesterday's backup, then today's changes: a new machine, new reports, a claimed command.
    await enrollAndReport(database.db, secret, "new-mac", 9);
    await recordReport(database.db, machineId, agentReport({ hostname: "mac-0", plaintext: 0, encrypted: 4, entryBytes: 10 }), { health: "healthy", rules: [] });
    await database.db.command.updateMany({ data: { status: "running" } });
    const beforeRestore = await fleetState(database.db);
    expect(beforeRestore).not.toEqual(atBackup);

    // The dashboard is stopped for the restore; it starts again on the restored database.
    await database.close();
    const { previous } = await restoreDatabase(database.target, file);
    await migrateDatabase(database.target);
    const restarted = createDatabase(database.target);
    try {
      expect(await databaseReadiness(restarted.db)).toEqual({ ready: true });
      expect(await fleetState(restarted.db)).toEqual(atBackup);
    } finally {
      await restarted.close();
    }

    // Restoring the copy it kept brings today's changes back.
    await restoreDatabase(database.target, previous);
    const undone = createDatabase(database.target);
    try {
      expect(await fleetState(undone.db)).toEqual(beforeRestore);
    } finally {
      await undone.close();
    }
  });

  it("refuses a file that is not a backup, and a backup over an existing file, changing nothing", async () => {
    const current = createDatabase(database.target);
    try {
      const state = await fleetState(current.db);
      const notABackup = path.join(dir, "notes.txt");
      fs.writeFileSync(notABackup, "not a database\n".repeat(100));
      await expect(restoreDatabase(database.target, notABackup)).rejects.toBeInstanceOf(BackupError);
      await expect(restoreDatabase(database.target, path.join(dir, "missing.db"))).rejects.toThrow(/no backup/);
      await expect(backupDatabase(database.target, notABackup)).rejects.toThrow(/already exists/);
      expect(fs.readFileSync(notABackup, "utf8")).toBe("not a database\n".repeat(100));
      expect(await fleetState(current.db)).toEqual(state);
    } finally {
      await current.close();
    }
  });
});
