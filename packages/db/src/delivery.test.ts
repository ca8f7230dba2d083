// Exactly-once delivery of agents' claim, progress and result messages, on real databases: a resent
// message (its answer lost, or the agent restarted) changes nothing and gets the original answer,
// whether it arrives after the first copy or races it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandResult, CommandSpec } from "@cachefleet/contract";
import { claimMessage, progressMessage, resultMessage } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import { MessageIdReused } from "./agent-messages.js";
import { listActivity } from "./activity.js";
import { cancelCommand, enqueueCommand, retryCommand } from "./command-queue.js";
import { getCommand } from "./command-views.js";
import { claimCommand, expireCommands, leaseMs, recordCommandResult, recordStepProgress } from "./command-lease.js";
import { createEnrollmentSecret, enrollMachine } from "./machines.js";

const providers = await testedProviders();
const identity = { hostname: "delivery-mac", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

function succeeded(commandId: string): Omit<CommandResult, "prunedBackups"> {
  return { commandId, status: "succeeded", error: null, failedStep: null, before: { count: 3, bytes: 30 }, after: { count: 0, bytes: 0 }, backupPath: null, durationMs: 40 };
}

describe.each(providers)("exactly-once delivery on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    secret = await createEnrollmentSecret(database.db, "default");
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
  });

  async function runningCommand(spec: CommandSpec = { kind: "rescan", options: {} }, now?: Date) {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const commandId = await enqueueCommand(database.db, machineId, spec, { createdById: null });
    expect((await claimCommand(database.db, machineId, claimMessage(commandId), now))?.answer.claimed).toBe(true);
    return { machineId, commandId };
  }

  it("answers a resent claim whose answer was lost with the same command, and racing copies claim once", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const commandId = await enqueueCommand(database.db, machineId, { kind: "clean", options: { backup: true } }, { createdById: null });
    const claim = claimMessage(commandId);
    const first = await claimCommand(database.db, machineId, claim);
    expect(first).toMatchObject({ first: true, answer: { claimed: true, command: { id: commandId, spec: { kind: "clean", options: { backup: true } } } } });
    // The answer was lost: the agent sends the same message again and is told it has the command.
    expect(await claimCommand(database.db, machineId, claim)).toEqual({ ...first, first: false });
    // Another claim of the same command (a second dashboard instance offered it too) is refused.
    expect((await claimCommand(database.db, machineId, claimMessage(commandId)))?.answer).toEqual({ claimed: false, command: null });

    const raced = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
    const racedClaim = claimMessage(raced);
    const answers = await Promise.all([1, 2, 3].map(() => claimCommand(database.db, machineId, racedClaim)));
    expect(answers.map((delivered) => delivered?.answer.claimed)).toEqual([true, true, true]);
    expect(answers.filter((delivered) => delivered?.first)).toHaveLength(1);
    expect(await database.db.agentMessage.count({ where: { commandId: raced } })).toBe(1);
  });

  it.runIf(provider === "postgresql")("claims on PostgreSQL in one statement, holding no transaction across round trips", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const commandId = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
    const calls: string[] = [];
    const counted = new Proxy(database.db, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof property !== "string" || !property.startsWith("$") || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(property);
          return Reflect.apply(value, target, args);
        };
      },
    });
    expect((await claimCommand(counted, machineId, claimMessage(commandId)))?.answer.claimed).toBe(true);
    expect(calls).toEqual(["$queryRaw"]);
    expect(await database.db.command.findUniqueOrThrow({ where: { id: commandId }, select: { status: true } })).toEqual({ status: "running" });
  });

  it("appends a resent progress message's log lines once, and never older lines after newer ones", async () => {
    const { machineId, commandId } = await runningCommand({ kind: "clean", options: { backup: true } });
    const copying = progressMessage({ commandId, step: "backup", status: "running", log: "copying\n" });
    expect((await recordStepProgress(database.db, machineId, copying))?.first).toBe(true);
    expect(await recordStepProgress(database.db, machineId, copying)).toEqual({ first: false, answer: { cancelRequested: false } });
    const verified = progressMessage({ commandId, step: "backup", status: "succeeded", log: "verified\n" });
    await Promise.all([1, 2, 3].map(() => recordStepProgress(database.db, machineId, verified)));
    // A message sent before `verified` that arrives after it (it was sent on another connection).
    const late = { ...copying, messageId: "late-message-id-000001", log: "stale\n" };
    expect((await recordStepProgress(database.db, machineId, late))?.first).toBe(true);
    expect((await getCommand(database.db, commandId))?.steps[0]).toMatchObject({ step: "backup", status: "succeeded", log: "copying\nverified\n" });
  });

  it("records a resent result once, with one activity entry, and answers it the same", async () => {
    const { machineId, commandId } = await runningCommand();
    const result = resultMessage(succeeded(commandId));
    expect(await recordCommandResult(database.db, machineId, result)).toEqual({ first: true, answer: { recorded: true }, replacedStatus: null });
    expect(await recordCommandResult(database.db, machineId, result)).toEqual({ first: false, answer: { recorded: true }, replacedStatus: null });
    expect((await listActivity(database.db, { subject: commandId })).map((event) => event.action)).toEqual(["command.finished"]);
    expect((await getCommand(database.db, commandId))?.result).toMatchObject({ commandId, status: "succeeded" });
  });

  it("records the true outcome of a command whose lease expired before its result arrived, noting the expiry in its log", async () => {
    const claimedAt = new Date(Date.now() - 2 * leaseMs);
    const { machineId, commandId } = await runningCommand(undefined, claimedAt);
    expect(await expireCommands(database.db, new Date(claimedAt.getTime() + leaseMs + 1000))).toBeGreaterThanOrEqual(1);
    expect((await getCommand(database.db, commandId))?.status).toBe("interrupted");

    const late = await recordCommandResult(database.db, machineId, resultMessage(succeeded(commandId)));
    expect(late).toEqual({ first: true, answer: { recorded: true }, replacedStatus: "interrupted" });
    const view = await getCommand(database.db, commandId);
    expect(view).toMatchObject({ status: "succeeded", error: null, result: { status: "succeeded", before: { count: 3 } } });
    expect(view?.steps[0]?.log).toMatch(/marked this command interrupted at .*the agent's succeeded result arrived later and is recorded/);
    expect((await listActivity(database.db, { subject: commandId })).map((event) => [event.action, event.detail.status, event.detail.replaces ?? null])).toEqual([
      ["command.finished", "succeeded", "interrupted"],
      ["command.finished", "interrupted", null],
    ]);
  });

  it("keeps an expired command's outcome when it was retried meanwhile, and a cancelled one's", async () => {
    const claimedAt = new Date(Date.now() - 2 * leaseMs);
    const { machineId, commandId } = await runningCommand(undefined, claimedAt);
    await expireCommands(database.db, new Date(claimedAt.getTime() + leaseMs + 1000));
    expect(await retryCommand(database.db, commandId, null, "admin@example.com")).not.toBeNull();
    expect((await recordCommandResult(database.db, machineId, resultMessage(succeeded(commandId))))?.answer).toEqual({ recorded: false });
    expect((await getCommand(database.db, commandId))?.status).toBe("interrupted");
    expect((await listActivity(database.db, { subject: commandId })).map((event) => event.action)).toContain("command.late-result");

    const cancelled = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
    await cancelCommand(database.db, cancelled, null);
    expect((await recordCommandResult(database.db, machineId, resultMessage(succeeded(cancelled))))?.answer).toEqual({ recorded: false });
    expect((await getCommand(database.db, cancelled))?.status).toBe("cancelled");
  });

  it("writes nothing for a message about no command of this machine, and refuses a message id reused for another message", async () => {
    const { machineId, commandId } = await runningCommand();
    const { machineId: other } = await enrollMachine(database.db, secret, identity);
    const before = await database.db.agentMessage.count();
    expect(await claimCommand(database.db, other, claimMessage(commandId))).toBeNull();
    expect(await recordStepProgress(database.db, other, progressMessage({ commandId, step: "scan", status: "running" }))).toBeNull();
    expect(await recordCommandResult(database.db, machineId, resultMessage(succeeded("no-such-command")))).toBeNull();
    expect(await database.db.agentMessage.count()).toBe(before);

    const progress = progressMessage({ commandId, step: "scan", status: "running" });
    await recordStepProgress(database.db, machineId, progress);
    await expect(recordCommandResult(database.db, machineId, { ...resultMessage(succeeded(commandId)), messageId: progress.messageId })).rejects.toBeInstanceOf(MessageIdReused);
    expect((await getCommand(database.db, commandId))?.status).toBe("running");
  });
});
