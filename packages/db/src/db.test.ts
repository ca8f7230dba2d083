// Query tests on real databases: SQLite always, PostgreSQL when a server is reachable.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { agentReport, claimMessage, notProbed, progressMessage, resultMessage } from "@cachefleet/contract/test-support";
import { reportDigest } from "@cachefleet/contract/digest";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import type { Db, DbTransaction } from "./client.js";
import { createAdapter } from "./target.js";
import { chunked, maxIdsPerStatement, sortableId } from "./batching.js";
import { countAdmins, listUsers, removeUser, setUserRole } from "./users.js";
import { hashLegacyPassword, isLegacyPasswordHash, verifyLegacyPassword } from "./secrets.js";
import { EnrollmentRefused, createEnrollmentSecret, enrollMachine, findMachineByToken, getMachine, listFleetIds, recordReport } from "./machines.js";
import { listFleetPage } from "./fleet.js";
import { revokeMachine } from "./enrollment.js";
import { FleetQuery } from "@cachefleet/contract";
import { listActivity } from "./activity.js";
import {
  cancelCommand,
  machinesWithPendingCommands,
  retryCommand,
  enqueueCommand,
  pendingCommands,
  pendingCommandsSince,
  preparingLimitMs,
  type QueuedCommand,
} from "./command-queue.js";
import { getCommand, listCommands } from "./command-views.js";
import { createBatch, getBatch } from "./command-batches.js";
import { appendLog, claimCommand, expireCommands, leaseMs, maxStepLogBytes, recordCommandResult, recordStepProgress } from "./command-lease.js";

const identity = { hostname: "dev-mac-1", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

function report(entries: number): AgentReport {
  return agentReport({ hostname: identity.hostname, plaintext: entries, entryBytes: 1000, macosVersion: null, probes: notProbed("permissions", "persistence", "tools", "versionDrift") });
}

const providers = await testedProviders();

/** Enrolls `count` machines in one statement; enrolling through the secret would take longer. */
async function insertMachines(db: Db, count: number, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: count }, () => sortableId());
  await db.machine.createMany({ data: ids.map((id, index) => ({ id, tokenHash: `hash-${id}`, hostname: `${prefix}-${String(index).padStart(5, "0")}` })) });
  return ids;
}

/**
 * The same database, with `before` run ahead of the statement that writes new commands' steps,
 * inside the transaction when the push writes in one (PostgreSQL).
 */
function beforeStepsAreWritten(db: Db, before: () => Promise<void>): Db {
  const intercepted = <Handle extends Pick<Db, "$executeRaw">>(handle: Handle): Handle => {
    const executeRaw = async (query: Parameters<Db["$executeRaw"]>[0], ...values: unknown[]) => {
      const text = "sql" in query ? query.sql : query.join("?");
      if (text.includes('INSERT INTO "CommandStep"')) await before();
      return handle.$executeRaw(query, ...values);
    };
    return new Proxy(handle, { get: (target, property, receiver) => (property === "$executeRaw" ? executeRaw : Reflect.get(target, property, receiver)) });
  };
  const transaction = (work: (tx: DbTransaction) => Promise<unknown>, options?: object) => db.$transaction((tx) => work(intercepted(tx)), options);
  const handle = intercepted(db);
  return new Proxy(handle, { get: (target, property, receiver) => (property === "$transaction" ? transaction : Reflect.get(target, property, receiver)) });
}

/** Every command of these machines, whatever its state. */
async function commandsOf(db: Db, machineIds: string[]): Promise<string[]> {
  return (await db.command.findMany({ where: { machineId: { in: machineIds } }, select: { id: true }, orderBy: { id: "asc" } })).map((row) => row.id);
}

/** Claims with a fresh message; whether this machine now runs the command. */
async function claimed(db: Db, machineId: string, commandId: string, now?: Date): Promise<boolean> {
  return (await claimCommand(db, machineId, claimMessage(commandId), now))?.answer.claimed ?? false;
}

describe.each(providers)("database queries on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    secret = await createEnrollmentSecret(database.db, "default");
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
  });

  it("lists users with their role and last sign-in, changes roles and removes users with their sessions", async () => {
    const admin = await database.db.user.create({ data: { email: "admin@example.com", role: "admin" } });
    const viewer = await database.db.user.create({
      data: { email: "viewer@example.com", sessions: { create: { token: "t-1", expiresAt: new Date(Date.now() + 60_000) } } },
    });
    await database.db.activityEvent.create({ data: { actorEmail: "admin@example.com", action: "sign-in", at: new Date("2026-01-02T00:00:00Z") } });
    await database.db.activityEvent.create({ data: { actorEmail: "admin@example.com", action: "sign-in", at: new Date("2026-01-03T00:00:00Z") } });
    const listed = await listUsers(database.db);
    expect(listed.map((user) => [user.email, user.role, user.lastSignInAt?.toISOString() ?? null])).toEqual([
      ["admin@example.com", "admin", "2026-01-03T00:00:00.000Z"],
      ["viewer@example.com", "viewer", null],
    ]);
    expect(await countAdmins(database.db)).toBe(1);
    expect(await setUserRole(database.db, viewer.id, "admin")).toBe(true);
    expect(await countAdmins(database.db)).toBe(2);
    expect(await removeUser(database.db, viewer.id)).toBe(true);
    expect(await removeUser(database.db, viewer.id)).toBe(false);
    expect(await setUserRole(database.db, viewer.id, "viewer")).toBe(false);
    expect(await database.db.session.count({ where: { token: "t-1" } })).toBe(0);
    await database.db.user.delete({ where: { id: admin.id } });
  });

  it("verifies carried-over scrypt password hashes", () => {
    const stored = hashLegacyPassword("pw-123456");
    expect(isLegacyPasswordHash(stored)).toBe(true);
    expect(verifyLegacyPassword("pw-123456", stored)).toBe(true);
    expect(verifyLegacyPassword("pw-1234567", stored)).toBe(false);
    expect(verifyLegacyPassword("pw-123456", "scrypt$$")).toBe(false);
  });

  it("makes enrollment secrets a command line cannot mistake for an option", () => {
    // 32 base64url characters may start with "-"; the prefix rules that out for every secret.
    expect(secret).toMatch(/^cfe_[A-Za-z0-9_-]{32}$/);
  });

  it("enrolls with a valid secret only and stores the token hashed", async () => {
    await expect(enrollMachine(database.db, "not-the-secret-at-all", identity)).rejects.toBeInstanceOf(EnrollmentRefused);
    const { machineId, token } = await enrollMachine(database.db, secret, identity);
    expect((await findMachineByToken(database.db, token))?.id).toBe(machineId);
    expect(await findMachineByToken(database.db, `${token}x`)).toBeNull();
    expect(await database.db.machine.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("refuses a revoked machine's token from the moment it is revoked", async () => {
    const { machineId, token } = await enrollMachine(database.db, secret, { ...identity, hostname: "revoked-mac" });
    expect(await findMachineByToken(database.db, token)).toEqual({ id: machineId, hostname: "revoked-mac" });
    await revokeMachine(database.db, machineId, "admin@example.com");
    expect(await findMachineByToken(database.db, token)).toBeNull();
  });

  it("stores a report once and shows it in the fleet", async () => {
    const { machineId } = await enrollMachine(database.db, secret, { ...identity, hostname: "aaa-first" });
    const sent = report(1234);
    expect(await recordReport(database.db, machineId, sent, { health: "warning", rules: ["plaintext-cache"] })).toEqual({ stored: true, digest: reportDigest(sent), previousHealth: null });
    expect(await recordReport(database.db, machineId, sent, { health: "warning", rules: ["plaintext-cache"] })).toEqual({ stored: false, digest: reportDigest(sent), previousHealth: "warning" });
    expect(await database.db.report.count({ where: { machineId } })).toBe(1);
    const fleet = (await listFleetPage(database.db, FleetQuery.parse({ pageSize: 200 }))).rows;
    expect((await listFleetIds(database.db)).sort()).toEqual(fleet.map((machine) => machine.id).sort());
    const row = fleet.find((machine) => machine.id === machineId);
    expect(row).toMatchObject({ hostname: "dev-mac-1", goVersion: "go1.22.2", cacheEntries: 1234, cacheBytes: 1_234_000, cacheVerdict: "plaintext", health: "warning" });
    const detail = await getMachine(database.db, machineId);
    expect(detail?.latestReport?.id).toBe(sent.id);
  });

  it("keeps the OS hostname beside the fleet name from enrollment on, as each full report last said it", async () => {
    const osHostnameOf = async (machineId: string) => (await getMachine(database.db, machineId))?.osHostname;
    const { machineId } = await enrollMachine(database.db, secret, { ...identity, hostname: "dara-mbp", osHostname: "Daras-MacBook-Pro.local" });
    expect(await getMachine(database.db, machineId)).toMatchObject({ hostname: "dara-mbp", osHostname: "Daras-MacBook-Pro.local" });
    // The developer renamed the Mac in System Settings: the next report brings the new hostname.
    await recordReport(database.db, machineId, agentReport({ hostname: "dara-mbp", osHostname: "dara-studio.local" }), { health: "healthy", rules: [] });
    expect(await getMachine(database.db, machineId)).toMatchObject({ hostname: "dara-mbp", osHostname: "dara-studio.local" });
    // An older agent took over again: its report does not say, and the page must not show a stale hostname.
    await recordReport(database.db, machineId, agentReport({ hostname: "dara-mbp", osHostname: null }), { health: "healthy", rules: [] });
    expect(await osHostnameOf(machineId)).toBeNull();

    const { machineId: older } = await enrollMachine(database.db, secret, { ...identity, hostname: "old-agent-mac" });
    expect(await getMachine(database.db, older)).toMatchObject({ hostname: "old-agent-mac", osHostname: null });
  });

  it("shows the Keychain key of a machine without a Keychain as not applicable, and finds it by that", async () => {
    const { machineId } = await enrollMachine(database.db, secret, { ...identity, hostname: "linux-ci-1", platform: "linux" });
    const linux = agentReport({ hostname: "linux-ci-1", plaintext: 3, entryBytes: 1000, macosVersion: null, probes: notProbed("hardware", "keychain", "permissions", "persistence", "tools", "versionDrift") });
    await recordReport(database.db, machineId, linux, { health: "healthy", rules: [] });
    const page = async (keychainKey: FleetQuery["keychainKey"]) => (await listFleetPage(database.db, FleetQuery.parse({ pageSize: 200, keychainKey }))).rows.map((row) => row.hostname);
    expect((await listFleetPage(database.db, FleetQuery.parse({ pageSize: 200 }))).rows.find((row) => row.id === machineId)?.keychainKey).toBe("not-applicable");
    expect(await page("not-applicable")).toEqual(["linux-ci-1"]);
    expect(await page("unknown")).not.toContain("linux-ci-1");
  });

  it("lets a command be claimed exactly once and records its steps and result", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const { machineId: otherMachine } = await enrollMachine(database.db, secret, identity);
    const commandId = await enqueueCommand(database.db, machineId, { kind: "migrate", options: { backup: true } }, { createdById: null });
    expect((await pendingCommands(database.db, machineId)).map((c) => c.id)).toEqual([commandId]);
    expect(await pendingCommands(database.db, otherMachine)).toEqual([]);

    expect(await claimCommand(database.db, otherMachine, claimMessage(commandId))).toBeNull();
    const claims = await Promise.all([1, 2, 3].map(() => claimed(database.db, machineId, commandId)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await pendingCommands(database.db, machineId)).toEqual([]);

    expect((await recordStepProgress(database.db, machineId, progressMessage({ commandId, step: "backup", status: "running", log: "copying\n" })))?.answer).toEqual({ cancelRequested: false });
    expect(await recordStepProgress(database.db, otherMachine, progressMessage({ commandId, step: "backup", status: "failed", log: "" }))).toBeNull();
    await recordStepProgress(database.db, machineId, progressMessage({ commandId, step: "backup", status: "succeeded", log: "copied 3 files\n" }));
    const finished = await recordCommandResult(database.db, machineId, resultMessage({
      commandId, status: "succeeded", error: null, failedStep: null,
      before: { count: 3, bytes: 30 }, after: { count: 1, bytes: 10 }, backupPath: "/tmp/x.backup", prunedBackups: [], durationMs: 12,
    }));
    expect(finished?.answer).toEqual({ recorded: true });
    const [view] = await listCommands(database.db, machineId);
    expect(view?.status).toBe("succeeded");
    expect(view?.steps.map((s) => [s.step, s.status])).toEqual([["backup", "succeeded"], ["clean", "pending"], ["enable", "pending"], ["reinit", "pending"], ["verify", "pending"]]);
    expect(view?.steps[0]?.log).toBe("copying\ncopied 3 files\n");
    expect(view?.result?.backupPath).toBe("/tmp/x.backup");
  });

  it("cancels: drops a pending command, asks a running one to stop at its next safe point", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const pending = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
    expect(await cancelCommand(database.db, pending, "admin@example.com")).toBe("dropped");
    expect((await getCommand(database.db, pending))?.status).toBe("cancelled");
    expect(await pendingCommands(database.db, machineId)).toEqual([]);

    const running = await enqueueCommand(database.db, machineId, { kind: "migrate", options: { backup: true } }, { createdById: null });
    expect(await claimed(database.db, machineId, running)).toBe(true);
    expect(await cancelCommand(database.db, running, "admin@example.com")).toBe("requested");
    expect((await recordStepProgress(database.db, machineId, progressMessage({ commandId: running, step: "backup", status: "running", log: "" })))?.answer).toEqual({ cancelRequested: true });
    await recordCommandResult(database.db, machineId, resultMessage({
      commandId: running, status: "cancelled", error: "Cancelled after backup.", failedStep: null,
      before: null, after: null, backupPath: null, prunedBackups: [], durationMs: 3,
    }));
    expect(await cancelCommand(database.db, running, "admin@example.com")).toBe("already-finished");
    expect(await cancelCommand(database.db, "no-such-command", "admin@example.com")).toBe("not-found");
    const actions = (await listActivity(database.db)).map((event) => event.action);
    expect(actions).toContain("command.cancel");
    expect(actions).toContain("command.finished");
  });

  it("retries a finished command with the same kind, options and time limit", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const first = await enqueueCommand(database.db, machineId, { kind: "prune-backups", options: { olderThanDays: 7 } }, { createdById: null, timeoutSeconds: 120 });
    expect(await retryCommand(database.db, first, null, "admin@example.com")).toBeNull();
    await cancelCommand(database.db, first, null);
    const retried = await retryCommand(database.db, first, null, "admin@example.com");
    const view = await getCommand(database.db, retried?.commandId ?? "");
    expect(view).toMatchObject({ kind: "prune-backups", options: { olderThanDays: 7 }, timeoutSeconds: 120, retryOfId: first, status: "pending" });
  });

  it("marks a command interrupted when its lease lapses and timed-out past its limit", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const silent = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null, timeoutSeconds: 3600 });
    const slow = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null, timeoutSeconds: 10 });
    const claimedAt = new Date();
    await claimed(database.db, machineId, silent, claimedAt);
    await claimed(database.db, machineId, slow, claimedAt);
    expect(await expireCommands(database.db, new Date(claimedAt.getTime() + 1000))).toBe(0);
    // The slow one keeps renewing its lease but runs past 10 s (+ one lease of grace).
    const later = new Date(claimedAt.getTime() + leaseMs + 11_000);
    await recordStepProgress(database.db, machineId, progressMessage({ commandId: slow, step: "scan", status: "running", log: "" }), new Date(later.getTime() - 1000));
    expect(await expireCommands(database.db, later)).toBe(2);
    expect((await getCommand(database.db, silent))?.status).toBe("interrupted");
    expect((await getCommand(database.db, slow))?.status).toBe("timed-out");
  });

  it("pushes one batch to several machines and tracks each", async () => {
    const a = await enrollMachine(database.db, secret, { ...identity, hostname: "batch-a" });
    const b = await enrollMachine(database.db, secret, { ...identity, hostname: "batch-b" });
    const idle = await enrollMachine(database.db, secret, { ...identity, hostname: "batch-idle" });
    const { batchId, commandIds } = await createBatch(database.db, {
      spec: { kind: "migrate", options: { backup: true } },
      machineIds: [a.machineId, b.machineId],
      target: "selection",
      createdById: null,
      actorEmail: "admin@example.com",
    });
    expect(commandIds).toHaveLength(2);
    expect((await machinesWithPendingCommands(database.db, [a.machineId, b.machineId, idle.machineId])).sort()).toEqual([a.machineId, b.machineId].sort());
    const batch = await getBatch(database.db, batchId);
    expect(batch?.commands.map((c) => [c.hostname, c.status])).toEqual([["batch-a", "pending"], ["batch-b", "pending"]]);
  });

  it("reads, pushes to and watches more machines than one statement may name (SQLite's 999 parameters)", async () => {
    const count = 2 * maxIdsPerStatement + 101;
    const ids = await insertMachines(database.db, count, "many");
    expect(await listFleetIds(database.db, { machineIds: [...ids].reverse() })).toEqual(ids);
    expect(await listFleetIds(database.db, { machineIds: [...ids, ...ids.slice(0, 10)] })).toEqual(ids);
    expect(await listFleetIds(database.db, { machineIds: [...ids, ...ids.slice(0, 10)], failingRule: "nothing-fails-this" })).toEqual([]);

    const before = new Date(Date.now() - 1000);
    const chunksQueued: number[] = [];
    const { batchId, commandIds } = await createBatch(database.db, {
      spec: { kind: "migrate", options: { backup: true } },
      machineIds: ids,
      target: "selection",
      createdById: null,
      actorEmail: "admin@example.com",
      onQueued: (queued) => chunksQueued.push(queued.length),
    });
    expect(chunksQueued).toEqual([count]);
    expect(new Set(commandIds).size).toBe(count);
    expect(await database.db.commandStep.count({ where: { command: { batchId } } })).toBe(5 * count);
    expect((await machinesWithPendingCommands(database.db, ids)).sort()).toEqual([...ids].sort());
    const since = await pendingCommandsSince(database.db, ids, before);
    expect(since.map((command) => command.id).sort()).toEqual([...commandIds].sort());
    expect(since.every((command) => command.machineId === ids[commandIds.indexOf(command.id)])).toBe(true);
    expect(await pendingCommandsSince(database.db, ids, new Date(Date.now() + 60_000))).toEqual([]);
    const skipped = new Set(commandIds.slice(0, 600));
    expect((await pendingCommandsSince(database.db, ids, before, (id) => skipped.has(id))).map((command) => command.id)).toEqual(commandIds.slice(600));
    // The batch keeps the order it was pushed in.
    expect((await getBatch(database.db, batchId))?.commands.map((command) => command.machineId)).toEqual(ids);
  });

  it("never offers a command before its steps exist, and shows it as pending meanwhile", async () => {
    const a = await enrollMachine(database.db, secret, { ...identity, hostname: "steps-a" });
    const b = await enrollMachine(database.db, secret, { ...identity, hostname: "steps-b" });
    const machineIds = [a.machineId, b.machineId];
    const seenWhilePreparing: { offered: QueuedCommand[]; anyPending: string[]; since: QueuedCommand[]; statuses: (string | undefined)[] }[] = [];
    const db = beforeStepsAreWritten(database.db, async () => {
      seenWhilePreparing.push({
        offered: [...(await pendingCommands(database.db, a.machineId)), ...(await pendingCommands(database.db, b.machineId))],
        anyPending: await machinesWithPendingCommands(database.db, machineIds),
        since: await pendingCommandsSince(database.db, machineIds, new Date(0)),
        statuses: await Promise.all((await commandsOf(database.db, machineIds)).map(async (id) => (await getCommand(database.db, id))?.status)),
      });
    });
    const offeredWhenQueued: string[][] = [];
    const { commandIds } = await createBatch(db, {
      spec: { kind: "migrate", options: { backup: false } },
      machineIds,
      target: "selection",
      createdById: null,
      actorEmail: null,
      onQueued: (queued) => offeredWhenQueued.push(queued.map((command) => command.id)),
    });
    expect(seenWhilePreparing).toHaveLength(1);
    // SQLite: written as preparing, shown as pending, offered to no one. PostgreSQL: not seen at
    // all before the push's transaction commits.
    const statuses = provider === "sqlite" ? ["pending", "pending"] : [];
    expect(seenWhilePreparing[0]).toEqual({ offered: [], anyPending: [], since: [], statuses });
    expect(offeredWhenQueued).toEqual([commandIds]);
    for (const machineId of machineIds) {
      const [offered] = await pendingCommands(database.db, machineId);
      expect((await getCommand(database.db, offered?.id ?? ""))?.steps.map((step) => [step.step, step.status])).toEqual([
        ["backup", "skipped"], ["clean", "pending"], ["enable", "pending"], ["reinit", "pending"], ["verify", "pending"],
      ]);
    }
  });

  it("drops a command cancelled while its push is still writing it (SQLite), where PostgreSQL's push is not seen before it commits", async () => {
    const { machineId } = await enrollMachine(database.db, secret, { ...identity, hostname: "cancel-preparing" });
    let outcome: string | null = null;
    const db = beforeStepsAreWritten(database.db, async () => {
      const [commandId] = await commandsOf(database.db, [machineId]);
      outcome = await cancelCommand(database.db, commandId ?? "", "admin@example.com");
    });
    const queued: QueuedCommand[] = [];
    const { commandIds } = await createBatch(db, {
      spec: { kind: "rescan", options: {} },
      machineIds: [machineId],
      target: "selection",
      createdById: null,
      actorEmail: null,
      onQueued: (chunk) => queued.push(...chunk),
    });
    if (provider === "sqlite") {
      expect(outcome).toBe("dropped");
      expect(commandIds).toEqual([]);
      expect(queued).toEqual([]);
      expect(await pendingCommands(database.db, machineId)).toEqual([]);
      const [view] = await listCommands(database.db, machineId);
      expect(view?.status).toBe("cancelled");
      expect(view?.steps.map((step) => step.status)).toEqual(["cancelled"]);
    } else {
      // The push's transaction had not committed: there was nothing yet to cancel, and once it
      // has, the command is queued whole and a cancel drops it as any other.
      expect(outcome).toBe("not-found");
      expect(queued.map((command) => command.id)).toEqual(commandIds);
      expect(await cancelCommand(database.db, commandIds[0] ?? "", "admin@example.com")).toBe("dropped");
      const [view] = await listCommands(database.db, machineId);
      expect(view?.steps.map((step) => step.status)).toEqual(["cancelled"]);
    }
  });

  it("cancels what a push that stopped half-way left preparing (SQLite), or leaves nothing at all (PostgreSQL)", async () => {
    const { machineId } = await enrollMachine(database.db, secret, { ...identity, hostname: "stopped-push" });
    const db = beforeStepsAreWritten(database.db, () => Promise.reject(new Error("the dashboard stopped")));
    await expect(enqueueCommand(db, machineId, { kind: "rescan", options: {} }, { createdById: null })).rejects.toThrow("the dashboard stopped");
    if (provider === "postgresql") {
      // Its transaction rolled back: nothing of the push is left, so there is nothing to sweep.
      expect(await listCommands(database.db, machineId)).toEqual([]);
      expect(await database.db.commandStep.count({ where: { command: { machineId } } })).toBe(0);
      return;
    }
    const [left] = await listCommands(database.db, machineId);
    expect(left?.status).toBe("pending");
    expect(await pendingCommands(database.db, machineId)).toEqual([]);
    expect(await expireCommands(database.db, new Date(Date.now() + preparingLimitMs - 5000))).toBe(0);
    expect(await expireCommands(database.db, new Date(Date.now() + preparingLimitMs + 5000))).toBe(1);
    expect((await getCommand(database.db, left?.id ?? ""))?.status).toBe("cancelled");
    const finished = (await listActivity(database.db, { subject: left?.id })).map((event) => [event.action, event.detail.status]);
    expect(finished).toEqual([["command.finished", "cancelled"]]);
  });

  it("stores each claimed command's deadline, so the expiry sweep reads only what is due", async () => {
    const { machineId } = await enrollMachine(database.db, secret, { ...identity, hostname: "deadline" });
    const commandId = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null, timeoutSeconds: 60 });
    const claimedAt = new Date();
    expect(await claimed(database.db, machineId, commandId, claimedAt)).toBe(true);
    const row = await database.db.command.findUniqueOrThrow({ where: { id: commandId } });
    expect(row.deadlineAt?.getTime()).toBe(claimedAt.getTime() + 60_000 + leaseMs);
    expect(row.leaseExpiresAt?.getTime()).toBe(claimedAt.getTime() + leaseMs);
    // Renewed by progress, the lease never lapses; the deadline still ends the command.
    const justBefore = new Date(claimedAt.getTime() + 60_000 + leaseMs);
    await recordStepProgress(database.db, machineId, progressMessage({ commandId, step: "scan", status: "running", log: "" }), new Date(justBefore.getTime() - 1000));
    expect(await expireCommands(database.db, justBefore)).toBe(0);
    expect(await expireCommands(database.db, new Date(justBefore.getTime() + 1))).toBe(1);
    expect((await getCommand(database.db, commandId))?.error).toBe("Ran past its 60 s limit.");
  });
});

describe("SQLite tuning", () => {
  it("migrates the file into WAL mode and runs connections with synchronous=NORMAL", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      if (database.target.provider !== "sqlite") throw new Error("expected SQLite");
      const file = new Database(database.target.file, { readonly: true });
      expect(file.pragma("journal_mode", { simple: true })).toBe("wal");
      file.close();
      const adapter = await createAdapter(database.target).connect();
      const synchronous = await adapter.queryRaw({ sql: "PRAGMA synchronous", args: [], argTypes: [] });
      await adapter.dispose();
      // 1 is NORMAL (2 is FULL, the default).
      expect(Number(synchronous.rows[0]?.[0])).toBe(1);
    } finally {
      await database.drop();
    }
  });
});

describe("ids and chunks", () => {
  it("makes ids that sort in creation order and splits lists into statement-sized chunks", () => {
    const ids = Array.from({ length: 2000 }, () => sortableId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^c[0-9a-z]{25}$/.test(id))).toBe(true);
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunked([])).toEqual([]);
  });
});

describe("step logs", () => {
  it("keep the last 64 KB and say when they were trimmed", () => {
    const line = `${"x".repeat(99)}\n`;
    let log = "";
    for (let i = 0; i < 1000; i++) log = appendLog(log, line);
    expect(Buffer.byteLength(log)).toBeLessThanOrEqual(maxStepLogBytes);
    expect(log.startsWith("[earlier output trimmed]\n")).toBe(true);
    expect(log.endsWith(line)).toBe(true);
    expect(log.slice("[earlier output trimmed]\n".length).split("\n").every((l) => l === "" || l === line.trimEnd())).toBe(true);
  });
});
