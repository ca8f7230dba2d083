// Report history and the audit on real databases: SQLite always, PostgreSQL when reachable.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentReport } from "@cachefleet/contract";
import { agentReport } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import { sortableId } from "./batching.js";
import { downsample, hitRates, reportHistory } from "./history.js";
import { auditCounts, listAudit } from "./audit.js";

function payload(plaintext: number, encrypted: number): string {
  const report: Partial<AgentReport> = { ...agentReport({ hostname: "h", plaintext, encrypted, entryBytes: 100 }), go: { status: "error", message: "not part of this test" } };
  // Stored without probes, as reports from older agents were.
  delete report.probes;
  return JSON.stringify(report);
}

describe("hitRates", () => {
  it("gives the hit rate of the lookups between reports, starting afresh when the counters reset", () => {
    const point = (cacheGets: number | null, cacheHits: number | null) => ({ cacheGets, cacheHits });
    expect(hitRates([point(100, 20), point(300, 200), point(300, 200), point(null, null), point(50, 45), point(150, 45)])).toEqual([0.2, 0.9, null, null, 0.9, 0]);
  });
});

describe("downsample", () => {
  it("keeps short histories whole and spreads long ones evenly, first and last included", () => {
    expect(downsample([1, 2, 3], 5)).toEqual([1, 2, 3]);
    const long = Array.from({ length: 1001 }, (_, index) => index);
    expect(downsample(long, 11)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(downsample(long, 1)).toEqual([1000]);
    expect(downsample(long, 0)).toEqual([]);
  });
});

const providers = await testedProviders();

describe.each(providers)("history and audit on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function machine(hostname: string, data: { findingRules?: string; revokedAt?: Date; goVersion?: string } = {}): Promise<string> {
    const id = sortableId();
    await database.db.machine.create({ data: { id, tokenHash: `hash-${id}`, hostname, username: "dev", lastSeenAt: new Date(), ...data } });
    return id;
  }

  it("reads the figure columns, falls back to the payload for older rows, oldest first", async () => {
    const id = await machine("history-mac");
    const start = Date.parse("2026-11-01T00:00:00Z");
    // Older rows: figures only in the payload.
    await database.db.report.createMany({
      data: [0, 1].map((index) => ({ id: randomUUID(), machineId: id, takenAt: new Date(start + index * 60_000), payload: payload(10 + index, 0) })),
    });
    // Newer rows: the columns win (the payload says otherwise, on purpose).
    await database.db.report.create({
      data: { id: randomUUID(), machineId: id, takenAt: new Date(start + 2 * 60_000), payload: payload(1, 1), cacheEntries: 30, cacheBytes: 5n * 1024n ** 3n, plaintextEntries: 5, encryptedEntries: 25 },
    });
    const history = await reportHistory(database.db, id);
    expect(history.map((point) => [point.takenAt.toISOString(), point.cacheEntries, point.cacheBytes, point.plaintextEntries, point.encryptedEntries])).toEqual([
      ["2026-11-01T00:00:00.000Z", 10, 1000, 10, 0],
      ["2026-11-01T00:01:00.000Z", 11, 1100, 11, 0],
      ["2026-11-01T00:02:00.000Z", 30, 5 * 1024 ** 3, 5, 25],
    ]);
    expect(await reportHistory(database.db, id, { since: new Date(start + 60_000) })).toHaveLength(2);
    expect(await reportHistory(database.db, "no-such-machine")).toEqual([]);
  });

  it("downsamples a long history to at most maxPoints, keeping its first and last report", async () => {
    const id = await machine("long-history-mac");
    const start = Date.parse("2026-10-01T00:00:00Z");
    await database.db.report.createMany({
      data: Array.from({ length: 600 }, (_, index) => ({
        id: randomUUID(), machineId: id, takenAt: new Date(start + index * 60_000), payload: "{}",
        cacheEntries: index, cacheBytes: BigInt(index * 10), plaintextEntries: index, encryptedEntries: 0,
      })),
    });
    const history = await reportHistory(database.db, id, { maxPoints: 50 });
    expect(history).toHaveLength(50);
    expect(history[0]?.cacheEntries).toBe(0);
    expect(history.at(-1)?.cacheEntries).toBe(599);
    const entries = history.map((point) => point.cacheEntries ?? -1);
    expect([...entries].sort((a, b) => a - b)).toEqual(entries);
  });

  it("counts and lists machines per check, leaving revoked machines out", async () => {
    const plain = await machine("audit-b-plain", { findingRules: ",plaintext-cache,keychain-missing,", goVersion: "go1.22.2" });
    const mixed = await machine("audit-a-mixed", { findingRules: ",mixed-cache,gocache-not-writable," });
    await machine("audit-c-healthy");
    await machine("audit-d-revoked", { findingRules: ",plaintext-cache,", revokedAt: new Date() });

    const counts = await auditCounts(database.db);
    expect(counts).toEqual({
      "plaintext": 1, "mixed": 1, "keychain-missing": 1, "shared-across-versions": 0, "rosetta": 0, "permissions": 1, "env-not-persisted": 0,
      "key-rotation-due": 0, "low-hit-rate": 0, "stale-trim": 0, "network-fs": 0, "icloud": 0, "time-machine": 0, "spotlight": 0, "filevault": 0,
    });
    const plaintext = await listAudit(database.db, "plaintext");
    expect(plaintext.total).toBe(1);
    expect(plaintext.rows[0]).toMatchObject({ id: plain, hostname: "audit-b-plain", goVersion: "go1.22.2", findingRules: ["plaintext-cache", "keychain-missing"] });
    expect((await listAudit(database.db, "permissions")).rows.map((row) => row.id)).toEqual([mixed]);
    const all = await listAudit(database.db, null);
    expect(all.rows.map((row) => row.hostname)).toEqual(["audit-a-mixed", "audit-b-plain"]);
    const page = await listAudit(database.db, null, { take: 1, skip: 1 });
    expect([page.total, page.rows.map((row) => row.hostname)]).toEqual([2, ["audit-b-plain"]]);
  });
});
