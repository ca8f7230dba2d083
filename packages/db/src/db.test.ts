// Query tests on real databases: SQLite always, PostgreSQL when a server is reachable.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import { bootstrapIfEmpty } from "./bootstrap.js";
import { findSessionUser, signIn, signOut } from "./users.js";
import { EnrollmentRefused, enrollMachine, findMachineByToken, getMachine, listFleet, recordReport } from "./machines.js";
import { listActivity } from "./activity.js";
import {
  appendLog,
  cancelCommand,
  createBatch,
  expireCommands,
  getBatch,
  getCommand,
  leaseMs,
  machinesWithPendingCommands,
  retryCommand,
  claimCommand,
  enqueueCommand,
  listCommands,
  maxStepLogBytes,
  pendingCommands,
  recordCommandResult,
  recordStepProgress,
} from "./commands.js";

const identity = { hostname: "dev-mac-1", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

function report(entries: number): AgentReport {
  const tally = { count: entries, bytes: entries * 1000 };
  return {
    id: randomUUID(),
    agentVersion: "0.1.0",
    takenAt: new Date().toISOString(),
    machine: identity,
    go: {
      status: "ok",
      env: {
        GOVERSION: "go1.22.2", GOOS: "darwin", GOARCH: "arm64", GOHOSTARCH: "arm64", GOROOT: "/usr/local/go",
        GOPATH: "/Users/dev/go", GOBIN: "", GOCACHE: "/Users/dev/Library/Caches/go-build", GOMODCACHE: "", GOENV: "", GOTOOLCHAIN: "auto",
      },
    },
    scan: {
      status: "ok",
      summary: {
        gocache: "/Users/dev/Library/Caches/go-build",
        entries: tally,
        classes: { plaintext: tally, encrypted: { count: 0, bytes: 0 }, unknown: { count: 0, bytes: 0 } },
        formats: { archive: tally },
        skipped: { symlinks: 0, unreadable: 0, other: 0 },
        verdict: "plaintext",
        oldestEntryAt: null,
        newestEntryAt: null,
        durationMs: 5,
      },
    },
    probes: {
      goToolchain: { status: "ok", binary: "/usr/local/go/bin/go", buildInfo: { status: "error", message: "not read in this test" }, toolchains: [] },
      hardware: { status: "ok", machine: "arm64", appleSilicon: true, agentTranslated: false, macos: null, goHostArch: "arm64", goUnderRosetta: false, notes: [] },
      keychain: { status: "ok", service: "go-build-cache-encryption-key", itemPresent: true },
      permissions: { status: "not-applicable", message: "not measured in this test" },
      persistence: { status: "not-applicable", message: "not measured in this test" },
      tools: { status: "not-applicable", message: "not measured in this test" },
      versionDrift: { status: "not-applicable", message: "not measured in this test" },
    },
  };
}

const providers = await testedProviders();

describe.each(providers)("database queries on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const credentials = await bootstrapIfEmpty(database.db, { adminEmail: "Admin@Example.com" });
    if (!credentials) throw new Error("bootstrap did nothing on an empty database");
    secret = credentials.enrollmentSecret;
    expect(await bootstrapIfEmpty(database.db, { adminEmail: "other@example.com" })).toBeNull();
    const session = await signIn(database.db, "admin@example.com", credentials.adminPassword);
    expect(session).not.toBeNull();
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
  });

  it("signs in with the right password only, and signs out", async () => {
    expect(await signIn(database.db, "admin@example.com", "wrong password")).toBeNull();
    const credentials = await bootstrapIfEmpty(database.db, { adminEmail: "x@example.com" });
    expect(credentials).toBeNull();
  });

  it("keeps sessions by token hash and ends them on sign-out", async () => {
    const user = await database.db.user.findFirstOrThrow();
    await database.db.user.update({ where: { id: user.id }, data: { passwordHash: (await import("./secrets.js")).hashPassword("pw-123456") } });
    const session = await signIn(database.db, user.email, "pw-123456");
    if (!session) throw new Error("sign-in failed");
    expect((await findSessionUser(database.db, session.token))?.email).toBe(user.email);
    expect(await database.db.session.count({ where: { tokenHash: session.token } })).toBe(0);
    await signOut(database.db, session.token);
    expect(await findSessionUser(database.db, session.token)).toBeNull();
  });

  it("enrolls with a valid secret only and stores the token hashed", async () => {
    await expect(enrollMachine(database.db, "not-the-secret-at-all", identity)).rejects.toBeInstanceOf(EnrollmentRefused);
    const { machineId, token } = await enrollMachine(database.db, secret, identity);
    expect((await findMachineByToken(database.db, token))?.id).toBe(machineId);
    expect(await findMachineByToken(database.db, `${token}x`)).toBeNull();
    expect(await database.db.machine.count({ where: { tokenHash: token } })).toBe(0);
  });

  it("stores a report once and shows it in the fleet", async () => {
    const { machineId } = await enrollMachine(database.db, secret, { ...identity, hostname: "aaa-first" });
    const sent = report(1234);
    expect(await recordReport(database.db, machineId, sent, { health: "warning", rules: ["plaintext-cache"] })).toEqual({ stored: true });
    expect(await recordReport(database.db, machineId, sent, { health: "warning", rules: ["plaintext-cache"] })).toEqual({ stored: false });
    expect(await database.db.report.count({ where: { machineId } })).toBe(1);
    const fleet = await listFleet(database.db);
    const row = fleet.find((machine) => machine.id === machineId);
    expect(row).toMatchObject({ hostname: "dev-mac-1", goVersion: "go1.22.2", cacheEntries: 1234, cacheBytes: 1_234_000, cacheVerdict: "plaintext", health: "warning" });
    const detail = await getMachine(database.db, machineId);
    expect(detail?.latestReport?.id).toBe(sent.id);
  });

  it("lets a command be claimed exactly once and records its steps and result", async () => {
    const { machineId } = await enrollMachine(database.db, secret, identity);
    const { machineId: otherMachine } = await enrollMachine(database.db, secret, identity);
    const commandId = await enqueueCommand(database.db, machineId, { kind: "migrate", options: { backup: true } }, { createdById: null });
    expect((await pendingCommands(database.db, machineId)).map((c) => c.id)).toEqual([commandId]);
    expect(await pendingCommands(database.db, otherMachine)).toEqual([]);

    expect(await claimCommand(database.db, otherMachine, commandId)).toBe(false);
    const claims = await Promise.all([1, 2, 3].map(() => claimCommand(database.db, machineId, commandId)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await pendingCommands(database.db, machineId)).toEqual([]);

    expect(await recordStepProgress(database.db, machineId, { commandId, step: "backup", status: "running", log: "copying\n" })).toEqual({ cancelRequested: false });
    expect(await recordStepProgress(database.db, otherMachine, { commandId, step: "backup", status: "failed", log: "" })).toBeNull();
    await recordStepProgress(database.db, machineId, { commandId, step: "backup", status: "succeeded", log: "copied 3 files\n" });
    const finished = await recordCommandResult(database.db, machineId, {
      commandId, status: "succeeded", error: null, failedStep: null,
      before: { count: 3, bytes: 30 }, after: { count: 1, bytes: 10 }, backupPath: "/tmp/x.backup", prunedBackups: [], durationMs: 12,
    });
    expect(finished).toBe(true);
    const [view] = await listCommands(database.db, machineId);
    expect(view?.status).toBe("succeeded");
    expect(view?.steps.map((s) => [s.step, s.status])).toEqual([["backup", "succeeded"], ["clean", "pending"], ["reinit", "pending"], ["verify", "pending"]]);
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
    expect(await claimCommand(database.db, machineId, running)).toBe(true);
    expect(await cancelCommand(database.db, running, "admin@example.com")).toBe("requested");
    expect(await recordStepProgress(database.db, machineId, { commandId: running, step: "backup", status: "running", log: "" })).toEqual({ cancelRequested: true });
    await recordCommandResult(database.db, machineId, {
      commandId: running, status: "cancelled", error: "Cancelled after backup.", failedStep: null,
      before: null, after: null, backupPath: null, prunedBackups: [], durationMs: 3,
    });
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
    await claimCommand(database.db, machineId, silent, claimedAt);
    await claimCommand(database.db, machineId, slow, claimedAt);
    expect(await expireCommands(database.db, new Date(claimedAt.getTime() + 1000))).toBe(0);
    // The slow one keeps renewing its lease but runs past 10 s (+ one lease of grace).
    const later = new Date(claimedAt.getTime() + leaseMs + 11_000);
    await recordStepProgress(database.db, machineId, { commandId: slow, step: "scan", status: "running", log: "" }, new Date(later.getTime() - 1000));
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
