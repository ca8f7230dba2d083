// Heartbeats and the retention settings through the routers, on real databases (SQLite, and
// PostgreSQL when reachable).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { createCaller } from "./root.js";
import { RetentionJob } from "./retention-job.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";

const providers = await testedProviders();
const machine = { hostname: "beating-mac", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

describe.each(providers)("heartbeats and retention on %s", (provider) => {
  let database: TestDatabase;
  let accounts: SignedIn;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    accounts = await signedIn(database.db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("keep a machine online without storing a report, and ask for a full report when the digest is unknown or another", async () => {
    const { machineId, token } = await createCaller(accounts.anonymous()).agent.enroll({ secret: accounts.enrollmentSecret, machine });
    const agent = createCaller({ ...accounts.anonymous(), agentToken: token }).agent;
    expect(await agent.heartbeat({ agentVersion: "1.0.0", reportDigest: null })).toEqual({ sendFullReport: true });
    const { digest } = await agent.report(agentReport({ hostname: machine.hostname, plaintext: 0, encrypted: 5 }));
    expect(await agent.heartbeat({ agentVersion: "1.0.0", reportDigest: digest })).toEqual({ sendFullReport: false });
    const seenBefore = (await createCaller(accounts.viewer).machines.detail({ machineId })).lastSeenAt;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await agent.heartbeat({ agentVersion: "1.0.0", reportDigest: digest });
    const page = await createCaller(accounts.viewer).machines.detail({ machineId });
    expect(page.online).toBe(true);
    expect(Date.parse(page.lastSeenAt ?? "")).toBeGreaterThan(Date.parse(seenBefore ?? ""));
    expect(page.latestReport?.scan.status).toBe("ok");
    expect(await database.db.report.count({ where: { machineId } })).toBe(1);

    // A database restored from before that report knows another digest (here: none).
    await database.db.machine.update({ where: { id: machineId }, data: { latestReportDigest: null } });
    expect(await agent.heartbeat({ agentVersion: "1.0.0", reportDigest: digest })).toEqual({ sendFullReport: true });
    await expect(agent.heartbeat({ agentVersion: "1.0.0", reportDigest: "not-a-digest" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(createCaller({ ...accounts.anonymous(), agentToken: "nope" }).agent.heartbeat({ agentVersion: "1.0.0", reportDigest: null })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("let everyone read the retention settings and only admins change them, within limits", async () => {
    expect(await createCaller(accounts.viewer).policy.retention()).toMatchObject({ keepAllReportsDays: 30, keepDailyReportsDays: 365, keepLogsDays: 365 });
    await expect(createCaller(accounts.viewer).policy.updateRetention({ keepAllReportsDays: 10, keepDailyReportsDays: 100, keepLogsDays: 100 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createCaller(accounts.admin).policy.updateRetention({ keepAllReportsDays: 100, keepDailyReportsDays: 10, keepLogsDays: 100 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(createCaller(accounts.admin).policy.updateRetention({ keepAllReportsDays: 0, keepDailyReportsDays: 10, keepLogsDays: 100 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await createCaller(accounts.admin).policy.updateRetention({ keepAllReportsDays: 14, keepDailyReportsDays: 180, keepLogsDays: 90 })).toEqual({
      keepAllReportsDays: 14,
      keepDailyReportsDays: 180,
      keepLogsDays: 90,
    });
    expect(await createCaller(accounts.viewer).policy.retention()).toMatchObject({ keepAllReportsDays: 14, keepDailyReportsDays: 180, keepLogsDays: 90 });
  });

  it("run the retention job in the background and count what it removed", async () => {
    const old = new Date(Date.now() - 400 * 86_400_000);
    await database.db.activityEvent.create({ data: { at: old, action: "sign-in" } });
    const runs: boolean[] = [];
    const job = new RetentionJob(database.db, { intervalMs: 60_000, catchUpPauseMs: 1, onRun: (run) => runs.push(run.done) });
    job.start();
    for (let waited = 0; runs.length === 0 && waited < 60_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    await job.stop();
    expect(runs).toEqual([true]);
    expect(job.totals).toMatchObject({ runs: 1, activityDeleted: 1, failures: 0 });
    expect(await database.db.activityEvent.count({ where: { at: old } })).toBe(0);
  });
});
