// The database layer under attack and bad luck, on real SQLite and PostgreSQL: a report stored
// whole or not at all, report ids of other machines, a Command row past the contract, the
// last-admin rule under concurrent changes, and the SQLite file's permissions from the first start.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport, notProbed } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import type { Db, DbTransaction } from "./client.js";
import { listActivity } from "./activity.js";
import { enqueueCommand, pendingCommands, pendingCommandsSince, unreadableCommandError } from "./command-queue.js";
import { createEnrollmentSecret, enrollMachine, recordReport, ReportIdTaken } from "./machines.js";
import { migrateDatabase } from "./migrate.js";
import { checkoutLocations } from "./layout.js";
import { databaseTarget } from "./target.js";
import { changeAccount, type AccountChangeRule } from "./users.js";

const providers = await testedProviders();
const evaluation = { health: "ok", rules: [] };
const identity = { hostname: "mac-1", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

/** The last-admin rule as the users router applies it, reduced to what these tests need. */
const lastAdminRule: AccountChangeRule = (change, actorId, target, adminCount) => {
  if (target.id === actorId) return "You cannot change your own account.";
  const takesAdminAway = target.role === "admin" && (change.kind === "remove" || change.role !== "admin");
  return takesAdminAway && adminCount <= 1 ? `${target.email} is the last admin.` : null;
};

/** The same database whose transactions fail at the machine update, after the report row was written. */
function failingMachineUpdate(db: Db): Db {
  const transaction = <R>(run: (tx: DbTransaction) => Promise<R>, options?: { maxWait?: number; timeout?: number }) =>
    db.$transaction((tx) => {
      const machine = new Proxy(tx.machine, {
        get: (target, property, receiver) =>
          property === "update" ? () => Promise.reject(new Error("the machine update failed")) : Reflect.get(target, property, receiver),
      });
      return run(new Proxy(tx, { get: (target, property, receiver) => (property === "machine" ? machine : Reflect.get(target, property, receiver)) }));
    }, options);
  return new Proxy(db, { get: (target, property, receiver) => (property === "$transaction" ? transaction : Reflect.get(target, property, receiver)) });
}

describe.each(providers)("hardening of the database layer on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    secret = await createEnrollmentSecret(database.db, "test");
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("stores a report whole or not at all, and takes the same id again after a failure", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const report = agentReport({ hostname: "mac-renamed", probes: notProbed("tools") });
    await expect(recordReport(failingMachineUpdate(database.db), machineId, report, evaluation)).rejects.toThrow("the machine update failed");
    expect(await database.db.report.count({ where: { id: report.id } })).toBe(0);
    expect((await database.db.machine.findUniqueOrThrow({ where: { id: machineId } })).latestReportId).toBeNull();

    expect(await recordReport(database.db, machineId, report, evaluation)).toEqual({ stored: true, digest: expect.stringMatching(/^[0-9a-f]{64}$/), previousHealth: null });
    expect(await database.db.machine.findUniqueOrThrow({ where: { id: machineId } })).toMatchObject({ latestReportId: report.id, hostname: "mac-renamed" });
    expect(await recordReport(database.db, machineId, report, evaluation)).toEqual({ stored: false, digest: expect.stringMatching(/^[0-9a-f]{64}$/), previousHealth: "ok" });
  });

  it("refuses another machine's report id with ReportIdTaken and changes neither machine", async () => {
    const first = await enrollMachine(database.db, secret, identity);
    const second = await enrollMachine(database.db, secret, { ...identity, hostname: "mac-2" });
    const report = agentReport({ hostname: "mac-1" });
    await recordReport(database.db, first.machineId, report, evaluation);
    await expect(recordReport(database.db, second.machineId, { ...report, machine: { ...report.machine, hostname: "stolen" } }, evaluation)).rejects.toBeInstanceOf(ReportIdTaken);
    expect((await database.db.machine.findUniqueOrThrow({ where: { id: second.machineId } })).latestReportId).toBeNull();
    expect((await database.db.report.findUniqueOrThrow({ where: { id: report.id } })).machineId).toBe(first.machineId);
  });

  it("answers the same report sent twice at once as stored once", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const report = agentReport();
    const outcomes = await Promise.all([recordReport(database.db, machineId, report, evaluation), recordReport(database.db, machineId, report, evaluation)]);
    expect(outcomes.map((outcome) => outcome.stored).sort()).toEqual([false, true]);
  });

  it("fails a Command row that is not a valid command instead of failing every read of the queue", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const good = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
    const since = new Date(Date.now() - 60_000);
    const bad = await database.db.command.create({ data: { machineId, kind: "shell", options: '{"argv":["rm","-rf","/"]}' } });
    const garbled = await database.db.command.create({ data: { machineId, kind: "migrate", options: "{not json" } });
    expect((await pendingCommands(database.db, machineId)).map((command) => command.id)).toEqual([good]);
    expect((await pendingCommandsSince(database.db, [machineId], since)).map((command) => command.id)).toEqual([good]);
    for (const id of [bad.id, garbled.id]) {
      expect(await database.db.command.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "failed", error: unreadableCommandError });
    }
    expect((await listActivity(database.db, { subject: bad.id })).map((event) => event.action)).toEqual(["command.unreadable"]);
  });

  it("lets only one of two admins demoting each other at once succeed, every time", async () => {
    for (let round = 0; round < 5; round++) {
      await database.db.user.updateMany({ where: { role: "admin" }, data: { role: "viewer" } });
      const alice = await database.db.user.create({ data: { email: `alice-${round}@example.com`, role: "admin" } });
      const bob = await database.db.user.create({ data: { email: `bob-${round}@example.com`, role: "admin" } });
      const outcomes = await Promise.all([
        changeAccount(database.db, alice, bob.id, { kind: "set-role", role: "viewer" }, lastAdminRule),
        changeAccount(database.db, bob, alice.id, { kind: "set-role", role: "viewer" }, lastAdminRule),
      ]);
      expect(outcomes.filter((outcome) => outcome.done)).toHaveLength(1);
      expect(await database.db.user.count({ where: { role: "admin" } })).toBe(1);
      // The change and its activity entry were written together: one entry per change made.
      const entries = await database.db.activityEvent.count({ where: { action: "user.role-changed", subject: { in: [alice.email, bob.email] } } });
      expect(entries).toBe(1);
    }
  });

  it("refuses a change by an actor who is no longer an admin", async () => {
    const former = await database.db.user.create({ data: { email: "former@example.com", role: "viewer" } });
    const target = await database.db.user.create({ data: { email: "target@example.com", role: "viewer" } });
    const outcome = await changeAccount(database.db, former, target.id, { kind: "set-role", role: "admin" }, lastAdminRule);
    expect(outcome).toEqual({ done: false, reason: "refused", message: "Only admins can do that." });
    expect((await database.db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("viewer");
  });
});

describe("the SQLite file from the first start", () => {
  it("is created 0600 in a 0700 folder, with its WAL companions 0600, and set back to 0600 on the next start", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-perms-"));
    const previousUmask = process.umask(0o022);
    try {
      const file = path.join(root, "data", "cachefleet.db");
      await migrateDatabase(databaseTarget(`file:${file}`, checkoutLocations()));
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      for (const name of fs.readdirSync(path.dirname(file))) expect([name, fs.statSync(path.join(path.dirname(file), name)).mode & 0o777]).toEqual([name, 0o600]);
      fs.chmodSync(file, 0o644);
      await migrateDatabase(databaseTarget(`file:${file}`, checkoutLocations()));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previousUmask);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
