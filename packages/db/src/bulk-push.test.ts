// A push to many machines is set-based: its machines are read, and its commands and steps written,
// in statements that each take their rows as one JSON parameter (one per 5,000 rows), counted at
// the driver on real databases; on SQLite each chunk is handed on as soon as it is pending, before
// the next one is, and on PostgreSQL once the push's transaction has committed. A push mixing
// kinds, options and authors writes each command with its own steps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "./client.js";
import { createBatch } from "./command-batches.js";
import { activeMachineIds, queueCommands, rowsPerStatement, type NewCommand } from "./command-queue.js";
import { getCommand } from "./command-views.js";
import { planSteps, type CommandSpec } from "@cachefleet/contract";
import { insertMachines } from "./bulk.js";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";

const providers = await testedProviders();
// Two chunks: one full, one not.
const machineCount = rowsPerStatement + 1_234;

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

  it("writes 6,234 machines' commands and steps in two statements each and hands out each chunk of 5,000 once it is pending", async () => {
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
    const isPendingUpdate = (sql: string) => /^\s*UPDATE "Command" SET "status" = 'pending'/.test(sql);
    // The batch row, per chunk of 5,000 the commands and their steps, (SQLite) per chunk the
    // update making them pending, then the activity entry. Row at a time would be 6,234 commands
    // and ~31,000 steps.
    const pendingUpdates = provider === "sqlite" ? 2 : 0;
    expect(writes.filter((sql) => /INSERT INTO "Command"\s/.test(sql))).toHaveLength(2);
    expect(writes.filter((sql) => /INSERT INTO "CommandStep"/.test(sql))).toHaveLength(2);
    expect(writes.filter(isPendingUpdate)).toHaveLength(pendingUpdates);
    expect(writes).toHaveLength(2 + 2 + pendingUpdates + 2);
    expect(statements.length).toBeLessThan(writes.length + 6);

    expect(handedOut.map((chunk) => chunk.size)).toEqual([rowsPerStatement, 1_234]);
    const lastInsert = statements.findLastIndex((sql) => /INSERT INTO "Command(Step)?"/.test(sql));
    if (provider === "sqlite") {
      // Each chunk reaches the streams as it lands: the first is handed out while the second's
      // update has yet to run, and only after every row is written.
      const lastUpdate = statements.findLastIndex(isPendingUpdate);
      expect(handedOut[0]?.statementsSoFar).toBeGreaterThan(lastInsert);
      expect(handedOut[0]?.statementsSoFar).toBeLessThanOrEqual(lastUpdate);
    } else {
      // Handed out after the transaction's last statement, its commit.
      expect(statements.slice(lastInsert + 1, handedOut[0]?.statementsSoFar).some((sql) => /^\s*COMMIT/i.test(sql))).toBe(true);
    }

    expect(await database.db.command.count({ where: { status: "pending", batchId: { not: null } } })).toBe(machineCount);
    expect(await database.db.commandStep.count({ where: { command: { batchId: { not: null } } } })).toBe(machineCount * 5);
  });

  it("writes a push of several kinds, options and authors with each command's own steps, in the order given", async () => {
    const specs: CommandSpec[] = [
      { kind: "migrate", options: { backup: false } },
      { kind: "rescan", options: {} },
      { kind: "migrate", options: { backup: true } },
      { kind: "clean", options: { backup: false } },
    ];
    const commands: NewCommand[] = machineIds.slice(0, 40).map((machineId, index) => ({
      machineId,
      spec: specs[index % specs.length] ?? { kind: "rescan", options: {} },
      timeoutSeconds: index % 3 === 0 ? 60 : 600,
      createdById: null,
      batchId: null,
      retryOfId: null,
    }));
    statements.length = 0;
    const queued = await queueCommands(observed.db, commands);
    expect(queued.map((command) => [command.machineId, command.spec, command.timeoutSeconds])).toEqual(commands.map((command) => [command.machineId, command.spec, command.timeoutSeconds]));
    // Ids sort in the order pushed.
    expect(queued.map((command) => command.id)).toEqual(queued.map((command) => command.id).sort());
    // Four specs by two time limits: eight groups, each one INSERT of commands and one of steps.
    expect(statements.filter((sql) => /INSERT INTO "Command"\s/.test(sql))).toHaveLength(8);
    expect(statements.filter((sql) => /INSERT INTO "CommandStep"/.test(sql))).toHaveLength(8);
    for (const [index, command] of commands.entries()) {
      const view = await getCommand(database.db, queued[index]?.id ?? "");
      expect(view).toMatchObject({ machineId: command.machineId, kind: command.spec.kind, options: command.spec.options, status: "pending", timeoutSeconds: command.timeoutSeconds });
      expect(view?.steps.map((step) => [step.step, step.status])).toEqual(planSteps(command.spec).map(({ step, skipped }) => [step, skipped ? "skipped" : "pending"]));
    }
    const steps = await database.db.commandStep.findMany({ where: { commandId: queued[0]?.id ?? "" }, orderBy: { position: "asc" } });
    expect(steps.map((step) => step.id)).toEqual(steps.map((step) => `${queued[0]?.id}:${step.position}`));
  });
});
