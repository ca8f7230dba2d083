// The retention job on real databases, with a simulated clock: SQLite always, PostgreSQL when
// reachable. Reports are seeded with chosen takenAt times, the job runs at a chosen `now`.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentReport } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import { sortableId } from "./batching.js";
import { reportHistory } from "./history.js";
import { getMachine, recordHeartbeat, recordReport } from "./machines.js";
import { enforceRetention, getRetention, thinBatch, updateRetention, utcDayStart, type RetentionRun } from "./retention.js";

const day = 86_400_000;
const hour = 3_600_000;
const now = new Date("2026-12-01T12:00:00Z");

describe("thinBatch", () => {
  it("keeps the newest row of each machine, across batches of one day", () => {
    const kept = new Map<string, string>();
    expect(thinBatch([{ id: "a1", machineId: "a" }, { id: "b1", machineId: "b" }, { id: "a2", machineId: "a" }], kept)).toEqual(["a1"]);
    expect(thinBatch([{ id: "a3", machineId: "a" }], kept)).toEqual(["a2"]);
    expect([...kept.values()]).toEqual(["a3", "b1"]);
  });

  it("cuts days at UTC midnight", () => {
    expect(utcDayStart(new Date("2026-11-02T23:59:59.999Z")).toISOString()).toBe("2026-11-02T00:00:00.000Z");
  });
});

const providers = await testedProviders();

describe.each(providers)("retention on %s", (provider) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase(provider);
  });

  afterEach(async () => {
    await database?.drop();
  });

  async function machine(hostname: string): Promise<string> {
    const id = sortableId();
    await database.db.machine.create({ data: { id, tokenHash: `hash-${id}`, hostname, username: "dev", lastSeenAt: now } });
    return id;
  }

  /** Reports every `everyHours` from `fromDaysAgo` up to now, the entry count growing by one each; the last is the machine's latest. */
  async function history(machineId: string, fromDaysAgo: number, everyHours: number, toDaysAgo = 0): Promise<{ takenAt: Date; entries: number }[]> {
    const rows: { id: string; machineId: string; takenAt: Date; payload: string; cacheEntries: number; cacheBytes: bigint; plaintextEntries: number; encryptedEntries: number }[] = [];
    for (let time = now.getTime() - fromDaysAgo * day, entries = 1; time <= now.getTime() - toDaysAgo * day - hour; time += everyHours * hour, entries++) {
      rows.push({ id: randomUUID(), machineId, takenAt: new Date(time), payload: "{}", cacheEntries: entries, cacheBytes: BigInt(entries * 1000), plaintextEntries: entries, encryptedEntries: 0 });
    }
    await database.db.report.createMany({ data: rows });
    const latest = rows.at(-1);
    if (latest) await database.db.machine.update({ where: { id: machineId }, data: { latestReportId: latest.id } });
    return rows.map((row) => ({ takenAt: row.takenAt, entries: row.cacheEntries }));
  }

  async function runUntilDone(at: Date, options: { batchSize?: number; maxBatches?: number } = {}): Promise<RetentionRun[]> {
    const runs: RetentionRun[] = [];
    for (let attempt = 0; attempt < 1000; attempt++) {
      const run = await enforceRetention(database.db, at, options);
      runs.push(run);
      if (run.done) return runs;
    }
    throw new Error("the retention job never finished");
  }

  it("keeps 30 days whole, one report per machine and day for a year, and deletes older ones", async () => {
    const id = await machine("thinned-mac");
    const seeded = await history(id, 400, 6);
    const runs = await runUntilDone(now, { batchSize: 25 });
    const left = await database.db.report.findMany({ where: { machineId: id }, orderBy: { takenAt: "asc" }, select: { takenAt: true, cacheEntries: true } });

    const allCutoff = utcDayStart(new Date(now.getTime() - 30 * day));
    const yearAgo = now.getTime() - 365 * day;
    const expected = seeded.filter(({ takenAt }, index) => {
      if (takenAt.getTime() < yearAgo) return false;
      if (takenAt >= allCutoff) return true;
      const next = seeded[index + 1];
      // Thinned days keep their last report.
      return !next || utcDayStart(next.takenAt).getTime() !== utcDayStart(takenAt).getTime();
    });
    expect(left.map((row) => [row.takenAt.toISOString(), row.cacheEntries])).toEqual(expected.map((row) => [row.takenAt.toISOString(), row.entries]));
    expect(runs.reduce((sum, run) => sum + run.thinned, 0)).toBe(seeded.filter((row) => row.takenAt.getTime() >= yearAgo).length - expected.length);
    expect(runs.reduce((sum, run) => sum + run.expired, 0)).toBe(seeded.filter((row) => row.takenAt.getTime() < yearAgo).length);
  });

  it("keeps the machine page's charts right across thinned history: each day ends where it ended", async () => {
    const id = await machine("chart-mac");
    const seeded = await history(id, 60, 5);
    await runUntilDone(now, { batchSize: 50 });
    const points = await reportHistory(database.db, id, { maxPoints: 1000 });
    // Every remaining point has the figures it was reported with, and the last is the latest report.
    const byTime = new Map(seeded.map((row) => [row.takenAt.toISOString(), row.entries]));
    for (const point of points) expect(point.cacheEntries).toBe(byTime.get(point.takenAt.toISOString()));
    expect(points.at(-1)?.cacheEntries).toBe(seeded.at(-1)?.entries);
    // On a thinned day, the point is the day's last report, so the step to the next day is exact.
    const thinnedDay = utcDayStart(new Date(now.getTime() - 45 * day)).getTime();
    const ofDay = points.filter((point) => utcDayStart(point.takenAt).getTime() === thinnedDay);
    const lastOfDay = seeded.filter((row) => utcDayStart(row.takenAt).getTime() === thinnedDay).at(-1);
    expect(ofDay.map((point) => point.cacheEntries)).toEqual([lastOfDay?.entries]);
  });

  it("never deletes a machine's latest report, however old", async () => {
    const id = await machine("long-gone-mac");
    await history(id, 500, 24 * 10, 400);
    const latestBefore = (await database.db.machine.findUniqueOrThrow({ where: { id } })).latestReportId;
    await runUntilDone(now);
    const left = await database.db.report.findMany({ where: { machineId: id }, select: { id: true } });
    expect(left.map((row) => row.id)).toEqual([latestBefore]);
  });

  it("works in bounded batches and carries on where it stopped as the clock moves", async () => {
    const ids = [await machine("a-mac"), await machine("b-mac"), await machine("c-mac")];
    for (const id of ids) await history(id, 40, 2);
    const first = await enforceRetention(database.db, now, { batchSize: 10, maxBatches: 3 });
    expect(first.batches).toBe(3);
    expect(first.done).toBe(false);
    const runs = [first, ...(await runUntilDone(now, { batchSize: 10, maxBatches: 3 }))];
    expect(runs.every((run) => run.batches <= 3)).toBe(true);
    const thinnedBefore = (await getRetention(database.db)).reportsThinnedBefore;
    expect(thinnedBefore?.toISOString()).toBe(utcDayStart(new Date(now.getTime() - 30 * day)).toISOString());
    const countBefore = await database.db.report.count();

    // A day later, one more day has aged past 30 days and is thinned: 12 reports a day become 1.
    const tomorrow = new Date(now.getTime() + day);
    const later = await runUntilDone(tomorrow, { batchSize: 10, maxBatches: 3 });
    expect(later.reduce((sum, run) => sum + run.thinned, 0)).toBe(ids.length * 11);
    expect(await database.db.report.count()).toBe(countBefore - ids.length * 11);
    // Nothing more to do at the same time.
    expect(await enforceRetention(database.db, tomorrow)).toMatchObject({ thinned: 0, expired: 0, done: true });
  });

  it("deletes command step logs and activity older than the log limit, and follows changed settings", async () => {
    const id = await machine("logged-mac");
    const old = new Date(now.getTime() - 400 * day);
    const recent = new Date(now.getTime() - 10 * day);
    for (const finishedAt of [old, recent]) {
      await database.db.command.create({
        data: { machineId: id, kind: "rescan", options: "{}", status: "succeeded", createdAt: finishedAt, finishedAt, steps: { create: [{ step: "verify", position: 0, status: "succeeded", log: "ok" }] } },
      });
    }
    await database.db.activityEvent.createMany({ data: [{ at: old, action: "sign-in" }, { at: recent, action: "sign-in" }] });
    const [run] = await runUntilDone(now);
    expect(run).toMatchObject({ stepsDeleted: 1, activityDeleted: 1, done: true });
    expect(await database.db.commandStep.count()).toBe(1);
    expect(await database.db.command.count()).toBe(2);

    await updateRetention(database.db, { keepAllReportsDays: 7, keepDailyReportsDays: 90, keepLogsDays: 5 }, "admin@example.com");
    expect(await getRetention(database.db)).toMatchObject({ keepAllReportsDays: 7, keepDailyReportsDays: 90, keepLogsDays: 5 });
    await runUntilDone(now);
    expect(await database.db.commandStep.count()).toBe(0);
    // The settings change itself is logged, and recent enough to stay.
    expect((await database.db.activityEvent.findMany()).map((event) => event.action)).toEqual(["policy.retention-changed"]);
    await expect(updateRetention(database.db, { keepAllReportsDays: 40, keepDailyReportsDays: 30, keepLogsDays: 5 }, "admin@example.com")).rejects.toThrow(RangeError);
  });

  it("stores a report row only for a full report; a heartbeat touches the machine's last-seen time and says whether its digest matches", async () => {
    const id = await machine("beating-mac");
    const report = agentReport({ hostname: "beating-mac", plaintext: 2, encrypted: 0 });
    expect((await recordHeartbeat(database.db, id, null, now)).reportMatches).toBe(false);
    const { digest } = await recordReport(database.db, id, report, { health: "healthy", rules: [] });
    const before = await database.db.machine.findUniqueOrThrow({ where: { id } });
    const later = new Date(now.getTime() + 60_000);
    expect(await recordHeartbeat(database.db, id, digest, later)).toEqual({ reportMatches: true });
    expect(await recordHeartbeat(database.db, id, "0".repeat(64), later)).toEqual({ reportMatches: false });
    const after = await database.db.machine.findUniqueOrThrow({ where: { id } });
    expect(after).toEqual({ ...before, lastSeenAt: later });
    expect(await database.db.report.count()).toBe(1);
    // Stored deflated, read back whole.
    const stored = await database.db.report.findUniqueOrThrow({ where: { id: report.id } });
    expect(stored.payload.length).toBeLessThan(JSON.stringify(report).length * 0.7);
    expect((await getMachine(database.db, id))?.latestReport).toEqual(report);
  });
});
