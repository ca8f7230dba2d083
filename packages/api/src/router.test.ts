// Router tests through createCaller on real databases (SQLite, and PostgreSQL when reachable).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { agentReport, claimMessage, notProbed, progressMessage, resultMessage } from "@cachefleet/contract/test-support";
import { createBatch, enqueueCommand, revokeMachine, type Db } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { createServices } from "./services.js";
import { signedIn } from "./test-support/signed-in.js";
import { CommandNotifier } from "./notifier.js";
import { QueueWatcher } from "./queue-watcher.js";
import { createCaller } from "./root.js";
import { rereadAfterMs } from "./command-events.js";
import type { Context } from "./trpc.js";
import type { QueuedCommand } from "@cachefleet/db";

const machine = { hostname: "mac-17", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

/** A machine whose go cannot run and whose cache is half plaintext, half encrypted. */
function mixedReport(): AgentReport {
  return {
    ...agentReport({ hostname: machine.hostname, plaintext: 10, encrypted: 10, entryBytes: 100, probes: notProbed("permissions", "persistence", "tools", "versionDrift") }),
    go: { status: "error", message: "spawn go ENOENT" },
  };
}

const providers = await testedProviders();

/**
 * The same database, with hooks around every db.command.findMany (how streams and watchers read
 * the queue): `before` may throw to fail the read, `after` runs once the read has its answer.
 */
function withCommandReads(db: Db, hooks: { before?: () => void; after?: () => Promise<void> }): Db {
  const commands = db.command;
  const findMany = async (...args: Parameters<Db["command"]["findMany"]>) => {
    hooks.before?.();
    const rows = await commands.findMany(...args);
    await hooks.after?.();
    return rows;
  };
  const command = new Proxy(commands, { get: (target, property, receiver) => (property === "findMany" ? findMany : Reflect.get(target, property, receiver)) });
  return new Proxy(db, { get: (target, property, receiver) => (property === "command" ? command : Reflect.get(target, property, receiver)) });
}

/** Records every notification: which machine, and which commands it carried (null: none). */
class RecordingNotifier extends CommandNotifier {
  readonly calls: [string, string[] | null][] = [];
  override notify(machineId: string, commands?: readonly QueuedCommand[]): void {
    this.calls.push([machineId, commands ? commands.map((command) => command.id) : null]);
    super.notify(machineId, commands);
  }
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The id of a tracked event a direct caller's subscription yields ([id, data, marker]). */
function eventId(result: IteratorResult<unknown>): unknown {
  return Array.isArray(result.value) ? result.value[0] : undefined;
}

function within<T>(promise: Promise<T>, milliseconds: number): Promise<T | "timed out"> {
  return Promise.race([promise, sleep(milliseconds).then(() => "timed out" as const)]);
}

describe.each(providers)("api routers on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;
  let adminContext: Context;
  let viewerContext: Context;
  let services: ReturnType<typeof createServices>;
  const anonymous = (): Context => ({ ...services, user: null, agentToken: null });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const accounts = await signedIn(database.db);
    services = accounts.services;
    secret = accounts.enrollmentSecret;
    adminContext = accounts.admin;
    viewerContext = accounts.viewer;
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("refuses fleet reads without a session and agent calls without a token", async () => {
    await expect(createCaller(anonymous()).fleet.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(createCaller({ ...anonymous(), agentToken: "nope" }).agent.report(mixedReport())).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses enrollment with a wrong secret and validates input", async () => {
    await expect(createCaller(anonymous()).agent.enroll({ secret: "wrong-secret-wrong-secret", machine })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createCaller(anonymous()).agent.enroll({ secret: "short", machine })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("enrolls, reports, evaluates health and shows the machine in the fleet", async () => {
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const agent = createCaller({ ...anonymous(), agentToken: token }).agent;
    const outcome = await agent.report(mixedReport());
    expect(outcome.health).toBe("critical");
    expect(outcome.findings.map((f) => f.rule)).toEqual(["go-unavailable", "mixed-cache"]);
    const fleet = await createCaller(viewerContext).fleet.list();
    expect(fleet.rows.find((row) => row.id === machineId)).toMatchObject({ hostname: "mac-17", cacheVerdict: "mixed", findingsCount: 2, online: true });
  });

  it("lets admins push a migration that the agent receives over its subscription, and viewers not", async () => {
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    await expect(createCaller(viewerContext).fleet.migrate({ machineId, options: { backup: true } })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const abort = new AbortController();
    const agent = createCaller({ ...anonymous(), agentToken: token }, { signal: abort.signal });
    const subscription = await agent.agent.commands();
    const iterator = subscription[Symbol.asyncIterator]();
    const received = iterator.next();
    const { commandId } = await createCaller(adminContext).fleet.migrate({ machineId, options: { backup: false } });
    const first = await received;
    expect(first.done).toBe(false);
    // A direct caller yields the tracked envelope [id, data, marker] that SSE turns into an event.
    const [id, command] = Array.isArray(first.value) ? first.value : [];
    expect(id).toBe(commandId);
    expect(command?.spec).toEqual({ kind: "migrate", options: { backup: false } });
    abort.abort();
    await iterator.return?.();

    expect(await agent.agent.claim(claimMessage(commandId))).toMatchObject({ claimed: true, command: { id: commandId } });
    expect(await agent.agent.claim(claimMessage(commandId))).toEqual({ claimed: false, command: null });
    await agent.agent.progress(progressMessage({ commandId, step: "clean", status: "succeeded", log: "go clean -cache\n" }));
    await agent.agent.result(resultMessage({
      commandId, status: "succeeded", error: null, failedStep: null,
      before: { count: 20, bytes: 2000 }, after: { count: 0, bytes: 0 }, backupPath: null, durationMs: 5,
    }));
    const view = await createCaller(viewerContext).machines.detail({ machineId });
    expect(view.commands[0]).toMatchObject({ id: commandId, status: "succeeded", createdBy: "admin@example.com" });
    expect(view.commands[0]?.steps.map((s) => [s.step, s.status])).toEqual([
      ["backup", "skipped"], ["clean", "succeeded"], ["enable", "pending"], ["reinit", "pending"], ["verify", "pending"],
    ]);
  });

  it("keeps other machines' commands away from an agent", async () => {
    const a = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const b = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const { commandId } = await createCaller(adminContext).fleet.rescan({ machineId: a.machineId });
    const other = createCaller({ ...anonymous(), agentToken: b.token });
    expect(await other.agent.pendingCommands()).toEqual([]);
    await expect(other.agent.claim(claimMessage(commandId))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(other.agent.progress(progressMessage({ commandId, step: "scan", status: "running" }))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("pushes to a selection and to every machine failing a rule; viewers cannot", async () => {
    const enroll = () => createCaller(anonymous()).agent.enroll({ secret, machine });
    const [mixed, clean, other] = [await enroll(), await enroll(), await enroll()];
    await createCaller({ ...anonymous(), agentToken: mixed.token }).agent.report(mixedReport());
    const viewer = createCaller(viewerContext).commands;
    await expect(viewer.push({ target: { type: "machines", machineIds: [clean.machineId] }, spec: { kind: "rescan", options: {} } })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const admin = createCaller(adminContext).commands;
    const selection = await admin.push({ target: { type: "machines", machineIds: [clean.machineId, other.machineId] }, spec: { kind: "migrate", options: { backup: true } }, timeoutSeconds: 120 });
    expect(selection.commandIds).toHaveLength(2);
    const batch = await viewer.batch({ batchId: selection.batchId });
    expect(batch.target).toBe("selection");
    expect(batch.commands.map((c) => c.status)).toEqual(["pending", "pending"]);

    const byRule = await admin.push({ target: { type: "failing-rule", rule: "mixed-cache" }, spec: { kind: "migrate", options: { backup: true } } });
    expect((await viewer.batch({ batchId: byRule.batchId })).commands.map((c) => c.machineId)).toContain(mixed.machineId);
    expect((await viewer.batch({ batchId: byRule.batchId })).commands.map((c) => c.machineId)).not.toContain(clean.machineId);

    await expect(admin.push({ target: { type: "machines", machineIds: ["missing"] }, spec: { kind: "rescan", options: {} } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.push({ target: { type: "failing-rule", rule: "no-such-rule" }, spec: { kind: "rescan", options: {} } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.push({ target: { type: "machines", machineIds: [clean.machineId] }, spec: { kind: "migrate", options: { backup: true, argv: "rm" } } as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const { events: activity } = await createCaller(viewerContext).activity.list({ kind: "commands" });
    expect(activity.filter((event) => event.action === "command.pushed" && event.actorEmail === "admin@example.com").length).toBeGreaterThanOrEqual(2);
  });

  it("cancels and retries from the browser", async () => {
    const { machineId } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const admin = createCaller(adminContext).commands;
    const { commandIds } = await admin.push({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "rescan", options: {} } });
    const commandId = commandIds[0] ?? "";
    await expect(createCaller(viewerContext).commands.cancel({ commandId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.retry({ commandId })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await admin.cancel({ commandId })).toEqual({ outcome: "dropped" });
    const retried = await admin.retry({ commandId });
    expect((await admin.get({ commandId: retried.commandId })).retryOfId).toBe(commandId);
  });

  it("delivers a command queued by another dashboard instance through the queue watcher", async () => {
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const abort = new AbortController();
    const agent = createCaller({ ...anonymous(), agentToken: token }, { signal: abort.signal });
    const iterator = (await agent.agent.commands())[Symbol.asyncIterator]();
    const received = iterator.next();
    // Straight into the database, as another instance would: this process's notifier never hears of it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const commandId = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
    const first = await received;
    abort.abort();
    await iterator.return?.();
    const [id] = Array.isArray(first.value) ? first.value : [];
    expect(id).toBe(commandId);
  });

  it("hands a push on this instance to the connected stream without reading the queue again", async () => {
    let reads = 0;
    // No watcher tick within the test: whatever arrives comes from the push itself.
    const quiet = createServices(withCommandReads(database.db, { before: () => void (reads += 1) }), { queuePollMs: 60_000 });
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const abort = new AbortController();
    const iterator = (await createCaller({ ...quiet, user: null, agentToken: token }, { signal: abort.signal }).agent.commands())[Symbol.asyncIterator]();
    const received = iterator.next();
    while (reads === 0) await sleep(5);
    // The stream's first read is done; let it settle into waiting for its mailbox.
    await sleep(50);
    const readsBeforePush = reads;
    const admin = createCaller({ ...quiet, user: adminContext.user, agentToken: null }).commands;
    const { commandIds } = await admin.push({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "rescan", options: {} } });
    const first = await within(received, 5000);
    abort.abort();
    await iterator.return?.();
    expect(first === "timed out" ? first : eventId(first)).toBe(commandIds[0]);
    expect(reads - readsBeforePush).toBe(0);
  });

  it("hands a push's commands to the streams only once its answer is written (afterResponse)", async () => {
    const quiet = createServices(database.db, { queuePollMs: 60_000 });
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const abort = new AbortController();
    const iterator = (await createCaller({ ...quiet, user: null, agentToken: token }, { signal: abort.signal }).agent.commands())[Symbol.asyncIterator]();
    const received = iterator.next();
    await sleep(100);
    const afterAnswer: (() => void)[] = [];
    const admin = createCaller({ ...quiet, user: adminContext.user, agentToken: null, afterResponse: (task) => void afterAnswer.push(task) }).commands;
    const { commandIds } = await admin.push({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "rescan", options: {} } });
    // Not before the answer is out, however long that takes.
    expect(await within(received, 300)).toBe("timed out");
    expect(afterAnswer).toHaveLength(1);
    afterAnswer[0]?.();
    const first = await within(received, 5000);
    abort.abort();
    await iterator.return?.();
    expect(first === "timed out" ? first : eventId(first)).toBe(commandIds[0]);
  });

  it("ends the stream of a machine revoked through another instance at this instance's next watcher tick", async () => {
    const quiet = createServices(database.db, { queuePollMs: 60_000 });
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const abort = new AbortController();
    const iterator = (await createCaller({ ...quiet, user: null, agentToken: token }, { signal: abort.signal }).agent.commands())[Symbol.asyncIterator]();
    const ended = iterator.next().then(
      () => "went on",
      (error: unknown) => error,
    );
    await sleep(100);
    // Another instance revokes it: nothing on this one is told, but the shared database.
    await revokeMachine(database.db, machineId, "admin@example.com");
    expect(await within(ended, 300)).toBe("timed out");
    await quiet.watcher.tick();
    const outcome = await within(ended, 5000);
    abort.abort();
    expect(outcome).toMatchObject({ code: "UNAUTHORIZED", message: "This machine was revoked; enroll again." });
  });

  it("spreads the streams' own re-reads of the queue over 4 to 6 minutes", () => {
    expect(rereadAfterMs(() => 0)).toBe(240_000);
    expect(rereadAfterMs(() => 0.5)).toBe(300_000);
    expect(rereadAfterMs(() => 0.999_999)).toBeLessThan(360_000);
  });

  it("keeps a push that lands while the stream is still reading the queue", async () => {
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret, machine });
    let pushed: string | null = null;
    const db = withCommandReads(database.db, {
      after: async () => {
        if (pushed !== null) return;
        pushed = "";
        // The stream's first read has its (empty) answer; the push and its notification land before it returns.
        const admin = createCaller({ ...services, user: adminContext.user, agentToken: null }).commands;
        pushed = (await admin.push({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "rescan", options: {} } })).commandIds[0] ?? "";
      },
    });
    const services = createServices(db, { queuePollMs: 60_000 });
    const abort = new AbortController();
    const iterator = (await createCaller({ ...services, user: null, agentToken: token }, { signal: abort.signal }).agent.commands())[Symbol.asyncIterator]();
    // Far less than the stream's re-read of minutes: only the notification can deliver it in time.
    const first = await within(iterator.next(), 5000);
    abort.abort();
    await iterator.return?.();
    expect(pushed).toMatch(/^c/);
    expect(first === "timed out" ? first : eventId(first)).toBe(pushed);
  });

  it("has the queue watcher offer only commands queued since its previous look and not pushed here, with the commands", async () => {
    const fresh = await createCaller(anonymous()).agent.enroll({ secret, machine });
    const stale = await createCaller(anonymous()).agent.enroll({ secret, machine });
    // Pending for an hour: a stream read it when it connected; the watcher need not offer it again.
    for (const machineId of [fresh.machineId, stale.machineId]) {
      const old = await enqueueCommand(database.db, machineId, { kind: "rescan", options: {} }, { createdById: null });
      await database.db.command.update({ where: { id: old }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
    }
    let failNextRead = false;
    const db = withCommandReads(database.db, {
      before: () => {
        if (!failNextRead) return;
        failNextRead = false;
        throw new Error("the database went away");
      },
    });
    const notifier = new RecordingNotifier();
    const errors: unknown[] = [];
    // An interval so long that its timer never ticks here: the test calls tick() itself.
    const watcher = new QueueWatcher(db, notifier, 60_000, (error) => errors.push(error));
    watcher.connect(fresh.machineId);
    watcher.connect(stale.machineId);
    try {
      const recent = await enqueueCommand(database.db, fresh.machineId, { kind: "rescan", options: {} }, { createdById: null });
      // Pushed through this instance, so already handed to its streams: the watcher leaves it be.
      const { commandIds: [local] } = await createBatch(database.db, {
        spec: { kind: "rescan", options: {} },
        machineIds: [stale.machineId],
        target: "selection",
        createdById: null,
        actorEmail: null,
        onQueued: (queued) => queued.forEach((command) => notifier.notify(command.machineId, [command])),
      });
      expect(notifier.calls).toEqual([[stale.machineId, [local]]]);
      notifier.calls.length = 0;
      await watcher.tick();
      expect(notifier.calls).toEqual([[fresh.machineId, [recent]]]);

      // Once offered here, the watcher does not offer it again while it stays pending.
      notifier.calls.length = 0;
      await watcher.tick();
      expect(notifier.calls).toEqual([]);

      const queuedAt = async (createdAt: number) => {
        const id = await enqueueCommand(database.db, fresh.machineId, { kind: "rescan", options: {} }, { createdById: null });
        await database.db.command.update({ where: { id }, data: { createdAt: new Date(createdAt) } });
        return id;
      };
      const now = Date.now();
      const lookBack = watcher.lookBackMs;
      // A failed tick does not move the window on: the next one still looks from where it was.
      const late = await queuedAt(now);
      failNextRead = true;
      await watcher.tick(new Date(now + 10 * lookBack));
      expect(errors).toHaveLength(1);
      await watcher.tick(new Date(now + 20 * lookBack));
      expect(notifier.calls).toEqual([[fresh.machineId, [late]]]);
      // That tick succeeded, so the next one looks back one look-back from it, and no further.
      notifier.calls.length = 0;
      await queuedAt(now + 18 * lookBack);
      const inside = await queuedAt(now + 19.5 * lookBack);
      await watcher.tick(new Date(now + 21 * lookBack));
      expect(notifier.calls).toEqual([[fresh.machineId, [inside]]]);
    } finally {
      watcher.disconnect(fresh.machineId);
      watcher.disconnect(stale.machineId);
    }
    expect(watcher.connectedCount).toBe(0);
  });
});
