// Trim facts, free disk and growth per machine from reports, the fleet's hygiene totals and the
// stale-trim audit check, on real databases: SQLite always, PostgreSQL when reachable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetQuery } from "@cachefleet/contract";
import { agentReport } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import { auditCounts, listAudit } from "./audit.js";
import { daysUntil, growthPerDay } from "./growth.js";
import { listFleetPage } from "./fleet.js";
import { fleetHygiene } from "./hygiene.js";
import { createEnrollmentSecret, enrollMachine, recordReport } from "./machines.js";

const day = 86_400_000;
const gib = 1024 ** 3;

describe("growthPerDay and daysUntil", () => {
  it("fit a line through the history and say when a limit is crossed", () => {
    const start = Date.parse("2026-11-01T00:00:00Z");
    const points = [0, 1, 2, 3].map((d) => ({ takenAt: new Date(start + d * day), bytes: 10 * gib + d * 2 * gib }));
    expect(growthPerDay(points)).toBeCloseTo(2 * gib, 0);
    expect(daysUntil(16 * gib, 2 * gib, 20 * gib)).toBe(2);
    expect(daysUntil(21 * gib, 2 * gib, 20 * gib)).toBe(0);
    expect(daysUntil(16 * gib, -1, 20 * gib)).toBeNull();
    expect(daysUntil(21 * gib, null, 20 * gib)).toBe(0);
    expect(daysUntil(16 * gib, null, 20 * gib)).toBeNull();
    expect(growthPerDay(points.slice(0, 1))).toBeNull();
    expect(growthPerDay([{ takenAt: new Date(start), bytes: 1 }, { takenAt: new Date(start + 60_000), bytes: 2 }])).toBeNull();
  });
});

const providers = await testedProviders();

describe.each(providers)("cache hygiene on %s", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function enrolled(hostname: string): Promise<string> {
    const secret = await createEnrollmentSecret(database.db, `for ${hostname}`);
    const { machineId } = await enrollMachine(database.db, secret, { hostname, username: "dev", platform: "darwin", osRelease: "24", arch: "arm64" });
    return machineId;
  }

  it("keeps each machine's trim facts and growth, totals them, and lists stale trims in the audit", async () => {
    const stale = await enrolled("stale-trim-mac");
    const fresh = await enrolled("fresh-trim-mac");
    const start = Date.parse("2026-11-10T00:00:00Z");
    for (let d = 0; d < 3; d++) {
      const takenAt = new Date(start + d * day);
      const trim = { lastTrimAt: new Date(start - 9 * day).toISOString(), unused: { count: 500 + d, bytes: 3 * gib } };
      await recordReport(database.db, stale, agentReport({ hostname: "stale-trim-mac", takenAt, cacheBytes: 10 * gib + d * gib, trim }), {
        health: "warning",
        rules: ["stale-trim"],
      });
    }
    await recordReport(database.db, fresh, agentReport({ hostname: "fresh-trim-mac", takenAt: new Date(start), cacheBytes: 2 * gib }), { health: "healthy", rules: [] });

    const row = await database.db.machine.findUniqueOrThrow({ where: { id: stale } });
    expect(row.lastTrimAt?.toISOString()).toBe(new Date(start - 9 * day).toISOString());
    expect(row.trimUnusedEntries).toBe(502);
    expect(Number(row.trimUnusedBytes)).toBe(3 * gib);
    expect(row.cacheGrowthPerDay).toBeCloseTo(gib, -3);
    expect(Number(row.diskFreeBytes)).toBeGreaterThan(0);
    const freshRow = await database.db.machine.findUniqueOrThrow({ where: { id: fresh } });
    expect(freshRow.cacheGrowthPerDay).toBeNull();
    expect(Number(freshRow.trimUnusedBytes)).toBe(0);

    expect(await fleetHygiene(database.db)).toEqual({
      machines: 2,
      cacheBytes: 12 * gib + 2 * gib,
      reclaimableBytes: 3 * gib,
      reclaimableEntries: 502,
      staleTrim: { machines: 1, reclaimableBytes: 3 * gib },
    });
    expect((await auditCounts(database.db))["stale-trim"]).toBe(1);
    expect((await listAudit(database.db, "stale-trim")).rows.map((r) => r.hostname)).toEqual(["stale-trim-mac"]);

    // The fleet page sorts by growth, unknown growth last in either direction.
    for (const direction of ["desc", "asc"] as const) {
      const page = await listFleetPage(database.db, FleetQuery.parse({ sort: "growth", direction }));
      expect(page.rows.map((r) => [r.hostname, r.cacheGrowthPerDay === null ? null : Math.round(r.cacheGrowthPerDay / gib)])).toEqual([
        ["stale-trim-mac", 1],
        ["fresh-trim-mac", null],
      ]);
    }
  });
});
