// Automatic remediation end to end on real databases (SQLite, and PostgreSQL when reachable):
// machines enroll and report through the agent router, an admin dry-runs and saves a remediation,
// the runner (ticked with a chosen clock) pushes commands a few at a time, agents finish them
// through the agent router, and the states, the activity log and the webhook outbox follow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { agentReport, claimMessage, notProbed, resultMessage } from "@cachefleet/contract/test-support";
import { listActivity } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { RemediationRunner } from "./remediation-runner.js";
import { createCaller } from "./root.js";
import { createServices } from "./services.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";

const providers = await testedProviders();

const report = (hostname: string, mixed: boolean): AgentReport => ({
  ...agentReport({ hostname, plaintext: mixed ? 10 : 0, encrypted: 10, entryBytes: 100, probes: notProbed("permissions", "persistence", "tools", "versionDrift") }),
  timeZone: "Europe/Paris",
});

const throwErrors = (error: unknown) => {
  throw error;
};

/** A remediation that migrates mixed caches at any hour, at most `maxConcurrent` machines at a time. */
function fixMixedCaches(maxConcurrent: number) {
  return {
    name: "Fix mixed caches",
    rule: "mixed-cache",
    spec: { kind: "migrate" as const, options: { backup: true } },
    window: { start: "00:00", end: "00:00" },
    maxConcurrent,
    maxAttempts: 2,
    retryBaseMinutes: 10,
  };
}

describe.each(providers)("automatic remediation on %s", (provider) => {
  let database: TestDatabase;
  let fixture: SignedIn;
  const agents = new Map<string, ReturnType<typeof createCaller>["agent"]>();
  const ids = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    fixture = await signedIn(database.db, { services: createServices(database.db, { queuePollMs: 1000, auth: { provider } }) });
    for (const hostname of ["mac-1", "mac-2", "mac-3"]) {
      const reported = report(hostname, true);
      const enrolled = await createCaller(fixture.anonymous()).agent.enroll({ secret: fixture.enrollmentSecret, machine: reported.machine });
      const agent = createCaller({ ...fixture.anonymous(), agentToken: enrolled.token }).agent;
      await agent.report(reported);
      agents.set(hostname, agent);
      ids.set(hostname, enrolled.machineId);
    }
    // The simulated clock runs hours ahead of the reports; machines count as online for a week.
    await database.db.policy.updateMany({ data: { offlineAfterMinutes: 7 * 24 * 60 } });
  });

  afterAll(async () => {
    await database?.drop();
  });

  const machineStates = async (remediationId: string) =>
    Object.fromEntries((await createCaller(fixture.admin).remediations.machines({ remediationId })).map((row) => [row.hostname, `${row.status}/${row.attempts}`]));

  /** The agent of `hostname` claims its pending remediation command and finishes it. */
  const finish = async (hostname: string, status: "succeeded" | "failed") => {
    const agent = agents.get(hostname);
    if (!agent) throw new Error(`no agent ${hostname}`);
    const [command] = await agent.pendingCommands();
    if (!command) throw new Error(`${hostname} has no pending command`);
    expect(command.spec).toEqual({ kind: "migrate", options: { backup: true } });
    expect((await agent.claim(claimMessage(command.id))).claimed).toBe(true);
    await agent.result(resultMessage({ commandId: command.id, status, error: status === "failed" ? "verify: plaintext entries remain" : null, failedStep: status === "failed" ? "verify" : null, before: null, after: null, backupPath: null, durationMs: 10 }));
    // After a command the agent reports again, as the daemon does.
    await agent.report(report(hostname, status === "failed"));
  };

  const input = fixMixedCaches(2);

  it("dry-runs, saves, and acts on two machines at a time until each is fixed or has given up", async () => {
    const admin = createCaller(fixture.admin);
    const preview = await admin.remediations.preview(input);
    expect(preview.actNow.map((machine) => machine.hostname)).toEqual(expect.arrayContaining(["mac-1", "mac-2"]));
    expect(preview.actNow).toHaveLength(2);
    expect(preview.waiting).toEqual([expect.objectContaining({ reason: "at the concurrency limit", timeZone: "Europe/Paris" })]);
    await expect(createCaller(fixture.viewer).remediations.create(input)).rejects.toMatchObject({ code: "FORBIDDEN" });

    const webhook = await admin.webhooks.create({ name: "alerts", format: "json", url: "http://127.0.0.1:9/unused", events: ["remediation.failed"] });
    const { id } = await admin.remediations.create(input);
    const runner = new RemediationRunner(database.db, fixture.services.notifier, 60_000, throwErrors);
    const start = Date.now();
    const at = (minutes: number) => new Date(start + minutes * 60_000);

    await runner.tick(at(0));
    const first = await machineStates(id);
    expect(Object.values(first).sort()).toEqual(["pending/0", "running/1", "running/1"]);
    const waitingHost = Object.entries(first).find(([, value]) => value === "pending/0")?.[0] ?? "";
    const [one, two] = Object.keys(first).filter((host) => host !== waitingHost);
    if (!one || !two) throw new Error("two machines should run");

    // One succeeds, the other fails: fixed, and a retry in 10 minutes; the third starts.
    await finish(one, "succeeded");
    await finish(two, "failed");
    await runner.tick(at(1));
    const second = await machineStates(id);
    expect(second[one]).toBe("fixed/1");
    expect(second[two]).toBe("pending/1");
    expect(second[waitingHost]).toBe("running/1");

    await runner.tick(at(5));
    expect((await machineStates(id))[two]).toBe("pending/1"); // not due yet
    await runner.tick(at(11));
    expect((await machineStates(id))[two]).toBe("running/2");

    // The second failure is its last attempt: it gives up and says so.
    await finish(two, "failed");
    await finish(waitingHost, "succeeded");
    await runner.tick(at(12));
    const third = await machineStates(id);
    expect(third).toEqual({ [one]: "fixed/1", [two]: "failed/2", [waitingHost]: "fixed/1" });
    const onItsPage = await createCaller(fixture.viewer).remediations.forMachine({ machineId: ids.get(two) ?? "" });
    expect(onItsPage).toEqual([expect.objectContaining({ name: "Fix mixed caches", status: "failed", attempts: 2, lastError: "verify: plaintext entries remain" })]);
    await runner.tick(at(100));
    expect((await machineStates(id))[two]).toBe("failed/2");
    expect(await agents.get(two)?.pendingCommands()).toEqual([]);

    const events = (await listActivity(database.db, { subject: id, take: 50 })).map((event) => `${event.action} ${String(event.detail.hostname ?? "")}`);
    expect(events).toContain(`remediation.failed ${two}`);
    expect(events).toContain(`remediation.fixed ${one}`);
    expect(events.filter((event) => event.startsWith("remediation.started"))).toHaveLength(4);
    const gaveUp = (await listActivity(database.db, { subject: id, take: 50 })).find((event) => event.action === "remediation.failed");
    expect(gaveUp).toMatchObject({ actorEmail: "remediation:Fix mixed caches", detail: { configuredBy: "admin@example.com", stopped: "Gave up after 2 attempts." } });
    const outbox = await database.db.webhookDelivery.findMany({ where: { webhookId: webhook.id } });
    expect(outbox.map((delivery) => delivery.event)).toEqual(["remediation.failed"]);
    expect(outbox[0]?.orderKey).toBe(ids.get(two));

    // A fixed machine whose cache is mixed again (in a report after the fix) is acted on again.
    await agents.get(one)?.report(report(one, true));
    // The report arrived at minute 119 of the simulated clock (after the fix at minute 1).
    await database.db.report.updateMany({ where: { machineId: ids.get(one) }, data: { receivedAt: at(119) } });
    await runner.tick(at(120));
    expect((await machineStates(id))[one]).toBe("running/1");
  });

  it("starts nothing while paused and resumes where it left off", async () => {
    const admin = createCaller(fixture.admin);
    const { id } = await admin.remediations.create({ ...input, name: "Paused one" });
    await admin.remediations.setPaused({ remediationId: id, paused: true });
    const runner = new RemediationRunner(database.db, fixture.services.notifier, 60_000, throwErrors);
    // The machine that gave up above still has a mixed cache; this second remediation of the same
    // rule has its own attempts.
    const later = new Date(Date.now() + 200 * 60_000);
    await runner.tick(later);
    const paused = await admin.remediations.machines({ remediationId: id });
    expect(paused.every((row) => row.status === "pending")).toBe(true);
    expect(paused.some((row) => row.waiting === "paused")).toBe(true);
    await admin.remediations.setPaused({ remediationId: id, paused: false });
    await runner.tick(later);
    const resumed = await admin.remediations.machines({ remediationId: id });
    expect(resumed.some((row) => row.status === "running")).toBe(true);
  });
});

// The contract checks a report's time zone for form only: a Mac can know a zone newer than this
// server's time zone data. Such a report is accepted and its zone kept as sent, and remediation
// treats the machine exactly as one whose agent sent no zone: it waits, and nothing crashes.
describe.each(providers)("a machine whose time zone this server does not know, on %s", (provider) => {
  let database: TestDatabase;
  let fixture: SignedIn;
  const ids = new Map<string, string>();
  const unknownZone = "Mars/Olympus_Mons";

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    fixture = await signedIn(database.db, { services: createServices(database.db, { queuePollMs: 1000, auth: { provider } }) });
    const zones: Record<string, string | undefined> = { "mac-mars": unknownZone, "mac-no-zone": undefined, "mac-paris": "Europe/Paris" };
    for (const [hostname, timeZone] of Object.entries(zones)) {
      const { timeZone: _sent, ...reported } = report(hostname, true);
      const enrolled = await createCaller(fixture.anonymous()).agent.enroll({ secret: fixture.enrollmentSecret, machine: reported.machine });
      const agent = createCaller({ ...fixture.anonymous(), agentToken: enrolled.token }).agent;
      await agent.report(timeZone === undefined ? reported : { ...reported, timeZone });
      ids.set(hostname, enrolled.machineId);
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("accepts the report and keeps the zone as sent", async () => {
    expect(() => new Intl.DateTimeFormat("en-US", { timeZone: unknownZone })).toThrow(RangeError);
    const stored = await database.db.machine.findUniqueOrThrow({ where: { id: ids.get("mac-mars") ?? "" }, select: { timeZone: true, latestReportId: true } });
    expect(stored).toEqual({ timeZone: unknownZone, latestReportId: expect.any(String) });
    expect((await database.db.machine.findUniqueOrThrow({ where: { id: ids.get("mac-no-zone") ?? "" }, select: { timeZone: true } })).timeZone).toBeNull();
  });

  it("lets it wait for a zone, as a machine that sent none, in the dry run and in the runner", async () => {
    const admin = createCaller(fixture.admin);
    const input = fixMixedCaches(5);
    const preview = await admin.remediations.preview(input);
    expect(preview.actNow).toEqual([{ machineId: ids.get("mac-paris"), hostname: "mac-paris", timeZone: "Europe/Paris" }]);
    const waiting = Object.fromEntries(preview.waiting.map((wait) => [wait.hostname, wait]));
    expect(waiting["mac-mars"]).toEqual({ machineId: ids.get("mac-mars"), hostname: "mac-mars", timeZone: null, reason: "no time zone reported" });
    expect(waiting["mac-mars"]).toEqual({ ...waiting["mac-no-zone"], machineId: ids.get("mac-mars"), hostname: "mac-mars" });

    const { id } = await admin.remediations.create(input);
    const runner = new RemediationRunner(database.db, fixture.services.notifier, 60_000, throwErrors);
    await runner.tick(new Date());
    const rows = Object.fromEntries((await admin.remediations.machines({ remediationId: id })).map((row) => [row.hostname, { status: row.status, waiting: row.waiting }]));
    expect(rows).toEqual({
      "mac-mars": { status: "pending", waiting: "no time zone reported" },
      "mac-no-zone": { status: "pending", waiting: "no time zone reported" },
      "mac-paris": { status: "running", waiting: null },
    });
  });
});
