// The hygiene router through createCaller on real databases: an agent reports a stale trim and a
// cache in Time Machine; health flags both, the fleet totals and the machine's facts follow, and
// a bulk trim goes to exactly the machines with a stale trim.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentReport } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { createCaller } from "./root.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";

const providers = await testedProviders();
const gib = 1024 ** 3;

describe.each(providers)("hygiene router on %s", (provider) => {
  let database: TestDatabase;
  let accounts: SignedIn;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    accounts = await signedIn(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("reports stale trims and placement problems, totals them, and trims in bulk", async () => {
    const { anonymous, admin, viewer, enrollmentSecret } = accounts;
    const machine = { hostname: "stale-mac", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };
    const { machineId, token } = await createCaller(anonymous()).agent.enroll({ secret: enrollmentSecret, machine });
    const takenAt = new Date();
    const report = {
      ...agentReport({ hostname: machine.hostname, takenAt, cacheBytes: 20 * gib, trim: { lastTrimAt: new Date(takenAt.getTime() - 9 * 86_400_000).toISOString(), unused: { count: 900, bytes: 4 * gib } } }),
      placement: {
        fileSystem: { status: "ok", type: "apfs", mountPoint: "/System/Volumes/Data", kind: "local", removable: false },
        iCloud: { status: "ok", synced: false, syncedPlace: null },
        timeMachine: { status: "ok", excluded: false },
        spotlight: { status: "ok", volumeIndexed: true, pathExcluded: true },
        fileVault: { status: "ok", on: true, encryptionInProgress: false },
      },
    } as const;
    const outcome = await createCaller({ ...anonymous(), agentToken: token }).agent.report(report);
    expect(outcome).toBeDefined();

    const detail = await createCaller(viewer).machines.detail({ machineId });
    expect(detail.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(["stale-trim", "gocache-backed-up"]));
    expect(await createCaller(viewer).hygiene.fleet()).toMatchObject({ reclaimableBytes: 4 * gib, reclaimableEntries: 900, staleTrim: { machines: 1, reclaimableBytes: 4 * gib } });
    expect(await createCaller(viewer).hygiene.machine({ machineId })).toMatchObject({ trimUnusedBytes: 4 * gib, trimUnusedEntries: 900, cacheGrowthPerDay: null, daysToSizeLimit: 0 });
    await expect(createCaller(viewer).hygiene.machine({ machineId: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createCaller(anonymous()).hygiene.fleet()).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const audit = await createCaller(viewer).audit.summary();
    expect(audit.find((row) => row.check === "stale-trim")?.count).toBe(1);
    expect(audit.find((row) => row.check === "time-machine")?.count).toBe(1);

    await expect(createCaller(viewer).commands.push({ target: { type: "failing-rule", rule: "stale-trim" }, spec: { kind: "trim", options: { olderThanDays: 5 } } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createCaller(admin).commands.push({ target: { type: "failing-rule", rule: "stale-trim" }, spec: { kind: "trim", options: { olderThanDays: 4 } } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const batch = await createCaller(admin).commands.push({ target: { type: "failing-rule", rule: "stale-trim" }, spec: { kind: "trim", options: { olderThanDays: 5 } } });
    expect(batch.commandIds).toHaveLength(1);
  });
});
