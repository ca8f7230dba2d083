// Policy, enrollment and activity routers through createCaller on real databases (SQLite, and
// PostgreSQL when reachable): re-evaluation after a policy change, the secret and machine
// lifecycle, and who may do what.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { agentReport, notProbed, probeNames } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import type { createServices } from "./services.js";
import { signedIn } from "./test-support/signed-in.js";
import { createCaller } from "./root.js";
import type { Context } from "./trpc.js";

const identity = { hostname: "mac-21", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

/** A report of a machine running `goVersion` whose cache holds plaintext entries only. */
function plaintextReport(goVersion: string, hostname = identity.hostname): AgentReport {
  return agentReport({ hostname, goVersions: [goVersion], plaintext: 30, entryBytes: 100, probes: notProbed(...probeNames) });
}

const defaults = { requireEncryption: true, requireEncryptedFromGo: "1.22", cacheSizeWarningGb: 10, offlineAfterMinutes: 60 };

const providers = await testedProviders();

describe.each(providers)("policy, enrollment and activity routers on %s", (provider) => {
  let database: TestDatabase;
  let secret: string;
  let adminContext: Context;
  let viewerContext: Context;
  let services: ReturnType<typeof createServices>;
  const anonymous = (): Context => ({ ...services, user: null, agentToken: null });
  const agentCaller = (token: string, signal?: AbortSignal) => createCaller({ ...anonymous(), agentToken: token }, signal ? { signal } : undefined).agent;

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

  it("refuses every policy, enrollment and activity call without a session", async () => {
    const caller = createCaller(anonymous());
    await expect(caller.policy.get()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.policy.update(defaults)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.enrollment.secrets()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.enrollment.createSecret({ name: "x" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.enrollment.machines()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.activity.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("lets a viewer read but not change the policy, secrets or machines", async () => {
    const { machineId } = await agentCaller("").enroll({ secret, machine: identity });
    const viewer = createCaller(viewerContext);
    const policyBefore = await viewer.policy.get();
    expect(policyBefore).toMatchObject(defaults);
    const [bootstrapSecret] = await viewer.enrollment.secrets();
    if (!bootstrapSecret) throw new Error("no secret listed");

    await expect(viewer.policy.update({ ...defaults, requireEncryption: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.enrollment.createSecret({ name: "viewer's" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.enrollment.revokeSecret({ secretId: bootstrapSecret.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.enrollment.revokeMachine({ machineId })).rejects.toMatchObject({ code: "FORBIDDEN" });

    expect(await viewer.policy.get()).toEqual(policyBefore);
    expect((await viewer.enrollment.secrets()).map((s) => [s.name, s.revokedAt])).toEqual([[bootstrapSecret.name, null]]);
    expect((await viewer.enrollment.machines()).machines.find((m) => m.id === machineId)?.revokedAt).toBeNull();
  });

  it("refuses a bad policy with a clear message and changes nothing", async () => {
    const admin = createCaller(adminContext);
    const before = await admin.policy.get();
    await expect(admin.policy.update({ ...defaults, requireEncryptedFromGo: "go1.22" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Go release") });
    await expect(admin.policy.update({ ...defaults, offlineAfterMinutes: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.policy.update({ ...defaults, cacheSizeWarningGb: -1 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await admin.policy.get()).toEqual(before);
  });

  it("re-evaluates every machine's findings when the policy changes, and evaluates new reports under it", async () => {
    const admin = createCaller(adminContext);
    const enrolled = await agentCaller("").enroll({ secret, machine: { ...identity, hostname: "go121-mac" } });
    const first = await agentCaller(enrolled.token).report(plaintextReport("go1.21.9", "go121-mac"));
    expect(first.findings).toEqual([]);
    const rowOf = async () => (await createCaller(viewerContext).fleet.list({})).rows.find((row) => row.id === enrolled.machineId);
    expect(await rowOf()).toMatchObject({ health: "healthy", findingsCount: 0 });

    const changed = await admin.policy.update({ ...defaults, requireEncryptedFromGo: "1.21" });
    expect(changed.policy).toMatchObject({ requireEncryptedFromGo: "1.21", updatedByEmail: "admin@example.com" });
    expect(changed.reevaluation.healthChanged).toBeGreaterThanOrEqual(1);
    // Plaintext, and Go 1.21 cannot run the encrypted cache helper: two warnings.
    expect(await rowOf()).toMatchObject({ health: "warning", findingsCount: 2 });

    // The next report is judged by the new policy at once, not the default.
    const second = await agentCaller(enrolled.token).report(plaintextReport("go1.21.9", "go121-mac"));
    expect(second.findings.map((finding) => finding.rule)).toEqual(["plaintext-cache", "go-too-old-for-encryption"]);
    expect(await agentCaller(enrolled.token).policy()).toMatchObject({ requireEncryptedFromGo: "1.21" });

    const tiny = await admin.policy.update({ ...defaults, requireEncryption: false, cacheSizeWarningGb: 1 / 1024 ** 3 });
    expect(tiny.reevaluation.findingsChanged).toBeGreaterThanOrEqual(1);
    expect(await rowOf()).toMatchObject({ health: "warning", findingsCount: 1 });
    const view = await createCaller(viewerContext).machines.detail({ machineId: enrolled.machineId });
    expect(view.findingsCount).toBe(1);

    const restored = await admin.policy.update(defaults);
    expect(restored.reevaluation.healthChanged).toBeGreaterThanOrEqual(1);
    expect(await rowOf()).toMatchObject({ health: "healthy", findingsCount: 0 });

    const log = await createCaller(viewerContext).activity.list({ kind: "policy" });
    expect(log.events.length).toBe(3);
    expect(log.events.every((event) => event.action === "policy.changed")).toBe(true);
    expect(log.events[2]?.detail).toMatchObject({ before: { requireEncryptedFromGo: "1.22" }, after: { requireEncryptedFromGo: "1.21" } });
  });

  it("re-evaluates a fleet larger than one batch, writing only the machines that changed", async () => {
    const db = database.db;
    const count = 1_234;
    const machines = Array.from({ length: count }, (_, index) => ({ id: `bulk-${String(index).padStart(5, "0")}`, reportId: randomUUID(), go: index % 2 === 0 ? "go1.21.9" : "go1.22.3" }));
    await db.machine.createMany({
      data: machines.map((machine) => ({
        id: machine.id, tokenHash: `hash-${machine.id}`, hostname: machine.id, health: "healthy", findingsCount: 0, findingRules: "", latestReportId: machine.reportId,
        cacheVerdict: "plaintext",
      })),
    });
    await db.report.createMany({
      data: machines.map((machine) => ({ id: machine.reportId, machineId: machine.id, takenAt: new Date(), payload: JSON.stringify(plaintextReport(machine.go, machine.id)) })),
    });
    const admin = createCaller(adminContext);
    // Under the default policy only the Go 1.22 half fails; those rows were stored as healthy.
    const outcome = await admin.policy.update({ ...defaults, offlineAfterMinutes: 61 });
    expect(outcome.reevaluation.evaluated).toBeGreaterThanOrEqual(count);
    expect(outcome.reevaluation.healthChanged).toBe(count / 2);
    const failing = await db.machine.count({ where: { id: { startsWith: "bulk-" }, findingRules: { contains: ",plaintext-cache," } } });
    expect(failing).toBe(count / 2);

    const again = await admin.policy.update({ ...defaults, requireEncryptedFromGo: "1.21" });
    // The Go 1.21 half changes (and go121-mac of the test before, when it ran).
    expect(again.reevaluation.healthChanged).toBeGreaterThanOrEqual(count / 2);
    expect(await db.machine.count({ where: { id: { startsWith: "bulk-" }, health: "warning", findingsCount: 2 } })).toBe(count);

    await db.machine.deleteMany({ where: { id: { startsWith: "bulk-" } } });
    await admin.policy.update(defaults);
  });

  it("creates a named secret shown once, records its use, and refuses it once revoked", async () => {
    const admin = createCaller(adminContext);
    await expect(admin.enrollment.createSecret({ name: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const created = await admin.enrollment.createSecret({ name: "Laptops 2026" });
    expect(created.secret.length).toBeGreaterThanOrEqual(16);
    const listed = (await admin.enrollment.secrets()).find((s) => s.id === created.id);
    expect(listed).toMatchObject({ name: "Laptops 2026", createdByEmail: "admin@example.com", lastUsedAt: null, revokedAt: null, machines: 0 });
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const enrolled = await agentCaller("").enroll({ secret: created.secret, machine: { ...identity, hostname: "laptop-1" } });
    const used = (await admin.enrollment.secrets()).find((s) => s.id === created.id);
    expect(used?.machines).toBe(1);
    expect(used?.lastUsedAt).not.toBeNull();

    expect(await admin.enrollment.revokeSecret({ secretId: created.id })).toEqual({ revoked: true, name: "Laptops 2026" });
    expect(await admin.enrollment.revokeSecret({ secretId: created.id })).toEqual({ revoked: false, name: "Laptops 2026" });
    await expect(admin.enrollment.revokeSecret({ secretId: "no-such-secret" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(agentCaller("").enroll({ secret: created.secret, machine: identity })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Machines it enrolled before keep working.
    expect((await agentCaller(enrolled.token).report(plaintextReport("go1.22.1", "laptop-1"))).stored).toBe(true);

    const log = await admin.activity.list({ kind: "secrets" });
    expect(log.events.map((event) => event.action)).toEqual(["enrollment-secret.revoked", "enrollment-secret.created"]);
    expect(log.events[0]).toMatchObject({ actorEmail: "admin@example.com", subject: created.id, detail: { name: "Laptops 2026" } });
  });

  it("refuses a revoked machine's token at once and ends its open command stream", async () => {
    const admin = createCaller(adminContext);
    const enrolled = await agentCaller("").enroll({ secret, machine: { ...identity, hostname: "to-revoke" } });
    expect((await agentCaller(enrolled.token).report(plaintextReport("go1.22.1", "to-revoke"))).stored).toBe(true);

    const abort = new AbortController();
    const stream = (await agentCaller(enrolled.token, abort.signal).commands())[Symbol.asyncIterator]();
    const next = stream.next();

    expect(await admin.enrollment.revokeMachine({ machineId: enrolled.machineId })).toEqual({ revoked: true, hostname: "to-revoke" });
    await expect(next).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    abort.abort();

    await expect(agentCaller(enrolled.token).report(plaintextReport("go1.22.1", "to-revoke"))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(agentCaller(enrolled.token).pendingCommands()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(agentCaller(enrolled.token).commands()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await admin.fleet.list({})).rows.map((row) => row.id)).not.toContain(enrolled.machineId);
    expect((await admin.enrollment.machines()).machines.map((row) => row.id)).not.toContain(enrolled.machineId);
    await expect(admin.enrollment.revokeMachine({ machineId: "no-such-machine" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const log = await admin.activity.list({ kind: "machines" });
    expect(log.events[0]).toMatchObject({ action: "machine.revoked", actorEmail: "admin@example.com", subject: enrolled.machineId, detail: { hostname: "to-revoke" }, machineName: "to-revoke" });
    // The enrollment itself is in the log too, by the agent, with the machine's name and the secret used.
    expect(log.events[1]).toMatchObject({ action: "machine.enrolled", actorEmail: null, subject: enrolled.machineId, machineName: "to-revoke", detail: { hostname: "to-revoke" } });
    expect(log.events[1]?.detail).toHaveProperty("secretName");
  });

  it("names the machine a command event is about, by the machine's current name", async () => {
    const admin = createCaller(adminContext);
    const enrolled = await agentCaller("").enroll({ secret, machine: { ...identity, hostname: "named-in-log" } });
    await admin.commands.push({ target: { type: "machines", machineIds: [enrolled.machineId] }, spec: { kind: "rescan", options: {} } });
    const log = await admin.activity.list({ kind: "commands" });
    expect(log.events[0]).toMatchObject({ action: "command.pushed", machineName: "named-in-log" });
  });

  it("pages through the activity log newest first and filters it by kind", async () => {
    const viewer = createCaller(viewerContext);
    const all = await viewer.activity.list({ pageSize: 3 });
    expect(all.total).toBeGreaterThan(3);
    expect(all.events).toHaveLength(3);
    const times = all.events.map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const second = await viewer.activity.list({ pageSize: 3, page: 2 });
    expect(second.events.map((event) => event.id)).not.toContain(all.events[0]?.id);
    const secrets = await viewer.activity.list({ kind: "secrets" });
    expect(secrets.events.every((event) => event.action.startsWith("enrollment-secret."))).toBe(true);
    await expect(viewer.activity.list({ kind: "everything" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
