// A push to many machines is set-based: its machines are read, and its commands and steps written,
// in statements that each take their rows as one JSON parameter (one per 5,000 rows), counted at
// the driver on real databases; and each chunk of 500 is handed on as soon as it is pending,
// before the next one is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "./client.js";
import { createBatch } from "./command-batches.js";
import { activeMachineIds } from "./command-queue.js";
import { insertMachines } from "./bulk.js";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";

const providers = await testedProviders();
const machineCount = 1_234;

describe.each(providers)("a push to %s machines", (provider) => {
  let database: TestDatabase;
  let observed: Database;
  const statements: string[] = [];
  const machineIds = Array.from({ length: machineCount }, (_, index) => `push-${String(index).padStart(5, "0")}`);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    // A second client on the same database whose driver tells of every statement it runs.
    observed = createDatabase(database.target, { onStatement: (sql) => statements.push(sql) });
    await insertMachines(
      database.db,
      machineIds.map((id) => ({
        id, tokenHash: `hash-${id}`, enrolledAt: new Date(), hostname: id, username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64",
        lastSeenAt: null, macosVersion: null, rosetta: null, keychainKey: null, goVersion: null, goVersions: "", gocache: null,
        cacheEntries: null, cacheBytes: null, cacheVerdict: null, health: null, findingsCount: 0, findingRules: "", latestReportId: null,
      })),
    );
  });

  afterAll(async () => {
    await observed?.close();
    await database?.drop();
  });

  it("reads the machines of a push in one statement, leaving out revoked and unknown ones", async () => {
    await database.db.machine.update({ where: { id: "push-00007" }, data: { revokedAt: new Date() } });
    statements.length = 0;
    const active = await activeMachineIds(observed.db, [...machineIds, "no-such-machine", machineIds[3] ?? ""]);
    expect(statements).toHaveLength(1);
    expect(active).toEqual(machineIds.filter((id) => id !== "push-00007"));
    await database.db.machine.update({ where: { id: "push-00007" }, data: { revokedAt: null } });
  });

  it("writes 1,234 machines' commands and steps in one statement each and hands out each chunk of 500 as it becomes pending", async () => {
    statements.length = 0;
    const handedOut: { size: number; statementsSoFar: number }[] = [];
    const { commandIds } = await createBatch(observed.db, {
      spec: { kind: "migrate", options: { backup: true } },
      machineIds,
      target: "selection",
      createdById: null,
      actorEmail: null,
      onQueued: (queued) => handedOut.push({ size: queued.length, statementsSoFar: statements.length }),
    });
    expect(commandIds).toHaveLength(machineCount);

    const writes = statements.filter((sql) => /^\s*(INSERT|UPDATE|DELETE)\b/i.test(sql));
    const chunks = Math.ceil(machineCount / 500);
    // The batch row, the commands, their steps, then per chunk of 500 the update making them
    // pending; then the activity entry. Row at a time would be 1,234 commands and ~6,000 steps.
    expect(writes.filter((sql) => /INSERT INTO "Command"\s/.test(sql))).toHaveLength(1);
    expect(writes.filter((sql) => /INSERT INTO "CommandStep"/.test(sql))).toHaveLength(2);
    expect(writes.filter((sql) => /^\s*UPDATE "Command" SET "status" = 'pending'/.test(sql))).toHaveLength(chunks);
    expect(writes.length).toBeLessThanOrEqual(chunks + 5);
    expect(statements.length).toBeLessThan(chunks + 12);

    // Each chunk reaches the streams as it lands: the first is handed out while later chunks'
    // updates have yet to run.
    expect(handedOut.map((chunk) => chunk.size)).toEqual([500, 500, 234]);
    const lastUpdate = statements.findLastIndex((sql) => /^\s*UPDATE "Command" SET "status" = 'pending'/.test(sql));
    expect(handedOut[0]?.statementsSoFar).toBeLessThan(lastUpdate);

    expect(await database.db.command.count({ where: { status: "pending", batchId: { not: null } } })).toBe(machineCount);
    expect(await database.db.commandStep.count()).toBeGreaterThanOrEqual(machineCount * 4);
  });
});
