// The fleet page's read and the report columns it shows, on real databases: SQLite always,
// PostgreSQL when a server is reachable. Both must give the very same answers.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetQuery, type AgentReport, type FleetQueryInput } from "@cachefleet/contract";
import { agentReport, notProbed } from "@cachefleet/contract/test-support";
import { createTestDatabase, testedProviders, type TestDatabase } from "./test-support/databases.js";
import { createEnrollmentSecret, enrollMachine, recordReport } from "./machines.js";
import { compareVersions, listFleetGoVersions, listFleetPage, teamHitRate } from "./fleet.js";

const providers = await testedProviders();

function macReport(): AgentReport {
  const report = agentReport({
    hostname: "studio-1", username: "ana", goVersions: ["go1.22.2", "go1.21.9"], goUnderRosetta: true, macosVersion: "14.5", keychain: false,
    plaintext: 20, encrypted: 7, unknown: 3, entryBytes: 100, probes: notProbed("permissions", "persistence", "tools", "versionDrift"),
    cacheHits: { gets: 400, hits: 300, misses: 100, puts: 100, bytesServed: 9000, bytesWritten: 3000, busyMs: 40, since: "2026-11-20T00:00:00.000Z" },
  });
  const { goToolchain } = report.probes;
  const [active, other] = goToolchain.status === "ok" ? goToolchain.toolchains : [];
  if (goToolchain.status !== "ok" || !active || !other) throw new Error("the builder reports both toolchains");
  // A toolchain without a VERSION file and one seen twice: each version counts once, none is guessed.
  const broken = { ...active, root: "/opt/broken", goBinary: "/opt/broken/bin/go", version: null, versionFrom: null, error: "no VERSION file", active: false };
  return { ...report, probes: { ...report.probes, goToolchain: { ...goToolchain, toolchains: [active, other, broken, other] } } };
}

function linuxReport(): AgentReport {
  const report = macReport();
  const offMacOS = { status: "not-applicable", message: "Apple hardware facts exist only on macOS." } as const;
  return {
    ...report,
    id: randomUUID(),
    machine: { ...report.machine, platform: "linux", osRelease: "6.1.0" },
    go: { status: "error", message: "spawn go ENOENT" },
    scan: { status: "error", message: "GOCACHE unknown" },
    probes: { ...report.probes, goToolchain: { status: "error", message: "no go" }, hardware: offMacOS, keychain: offMacOS },
  };
}

const now = new Date("2026-11-24T12:00:00.000Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

interface Seed {
  hostname: string;
  username: string;
  platform?: string;
  arch: string;
  rosetta: boolean | null;
  macosVersion: string | null;
  goVersion: string | null;
  goVersions: string;
  cacheBytes: number | null;
  cacheEntries: number | null;
  cacheVerdict: string | null;
  health: string | null;
  findingsCount: number;
  keychainKey: string | null;
  lastSeenAt: Date | null;
  revoked?: boolean;
}

// Hostnames that differ only in case, with "-" and "_" (which a locale collation would order
// differently from bytes, and which LIKE treats as a wildcard).
const seeds: Seed[] = [
  { hostname: "alpha-mac", username: "alice", arch: "arm64", rosetta: false, macosVersion: "14.5", goVersion: "go1.22.2", goVersions: ",go1.22.2,go1.21.9,", cacheBytes: 5000, cacheEntries: 50, cacheVerdict: "plaintext", health: "critical", findingsCount: 2, keychainKey: "missing", lastSeenAt: minutesAgo(1) },
  { hostname: "Beta-Mac", username: "Bob", arch: "x64", rosetta: true, macosVersion: "10.15.7", goVersion: "go1.9", goVersions: ",go1.9,", cacheBytes: 100, cacheEntries: 10, cacheVerdict: "encrypted", health: "warning", findingsCount: 1, keychainKey: "present", lastSeenAt: minutesAgo(120) },
  { hostname: "beta-mac", username: "bob", arch: "arm64", rosetta: false, macosVersion: "15.1", goVersion: "go1.22.0", goVersions: ",go1.22.0,", cacheBytes: 700, cacheEntries: 7, cacheVerdict: "encrypted", health: "healthy", findingsCount: 0, keychainKey: "present", lastSeenAt: minutesAgo(59) },
  { hostname: "delta", username: "dora", platform: "linux", arch: "x64", rosetta: null, macosVersion: null, goVersion: "go1.21.10", goVersions: ",go1.21.10,", cacheBytes: 9000, cacheEntries: 90, cacheVerdict: "mixed", health: "critical", findingsCount: 3, keychainKey: null, lastSeenAt: null },
  { hostname: "epsilon", username: "eve", arch: "arm64", rosetta: false, macosVersion: "14.5", goVersion: null, goVersions: "", cacheBytes: null, cacheEntries: null, cacheVerdict: null, health: "critical", findingsCount: 1, keychainKey: "present", lastSeenAt: minutesAgo(5) },
  { hostname: "gamma_box", username: "gus", arch: "arm64", rosetta: false, macosVersion: "15.1", goVersion: "go1.22.2", goVersions: ",go1.22.2,", cacheBytes: 0, cacheEntries: 0, cacheVerdict: "empty", health: "healthy", findingsCount: 0, keychainKey: "present", lastSeenAt: minutesAgo(0) },
  { hostname: "zeta", username: "zoe", arch: "arm64", rosetta: false, macosVersion: "15.1", goVersion: "go1.22.2", goVersions: ",go1.22.2,", cacheBytes: 3000, cacheEntries: 30, cacheVerdict: "plaintext", health: "critical", findingsCount: 1, keychainKey: "missing", lastSeenAt: minutesAgo(30) },
  { hostname: "alpha-revoked", username: "alice", arch: "arm64", rosetta: false, macosVersion: "14.5", goVersion: "go1.22.2", goVersions: ",go1.22.2,", cacheBytes: 1, cacheEntries: 1, cacheVerdict: "mixed", health: "critical", findingsCount: 1, keychainKey: "missing", lastSeenAt: minutesAgo(1), revoked: true },
];

const query = (input: FleetQueryInput = {}) => FleetQuery.parse(input);

describe.each(providers)("fleet on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("fills the machine's probe columns and the report's figures from a report", async () => {
    const secret = await createEnrollmentSecret(database.db, "reports");
    const mac = await enrollMachine(database.db, secret, macReport().machine);
    const report = macReport();
    await recordReport(database.db, mac.machineId, report, { health: "critical", rules: ["mixed-cache"] });
    expect(await database.db.machine.findUniqueOrThrow({ where: { id: mac.machineId } })).toMatchObject({
      macosVersion: "14.5",
      rosetta: true,
      keychainKey: "missing",
      goVersions: ",go1.22.2,go1.21.9,",
      cacheEntries: 30,
      cacheVerdict: "mixed",
      cacheBackend: "cachefleet",
      hitRate: 0.75,
      cacheGets: 400,
    });
    expect(await database.db.report.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({
      cacheEntries: 30,
      cacheBytes: 3000n,
      plaintextEntries: 20,
      encryptedEntries: 7,
      cacheGets: 400,
      cacheHits: 300,
    });
    expect(await teamHitRate(database.db)).toBe(0.75);

    // Off macOS (or with probes that failed) the same columns say "unknown", never a guess; a
    // machine without a Keychain says so.
    const linux = await enrollMachine(database.db, secret, linuxReport().machine);
    const second = linuxReport();
    await recordReport(database.db, linux.machineId, second, { health: "critical", rules: [] });
    expect(await database.db.machine.findUniqueOrThrow({ where: { id: linux.machineId } })).toMatchObject({
      macosVersion: null,
      rosetta: null,
      keychainKey: "not-applicable",
      goVersions: "",
      cacheEntries: null,
      cacheVerdict: null,
      cacheBackend: null,
    });
    expect(await database.db.report.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      cacheEntries: null,
      cacheBytes: null,
      plaintextEntries: null,
      encryptedEntries: null,
    });
    await database.db.machine.deleteMany({});
  });

  it("says when no machine is enrolled at all", async () => {
    const page = await listFleetPage(database.db, query(), now);
    expect(page).toMatchObject({ rows: [], total: 0, page: 1, pageCount: 1, fleetEmpty: true, offlineAfterMinutes: 60 });
  });

  describe("with a seeded fleet", () => {
    const hostnames = async (input: FleetQueryInput) => (await listFleetPage(database.db, query(input), now)).rows.map((row) => row.hostname);

    beforeAll(async () => {
      for (const [index, { revoked, ...seed }] of seeds.entries()) {
        await database.db.machine.create({
          data: {
            ...seed,
            // Ids in the reverse of hostname order, so that a tie-break on id shows.
            id: `m${String(90 - index).padStart(3, "0")}`,
            tokenHash: `token-${index}`,
            platform: seed.platform ?? "darwin",
            cacheBytes: seed.cacheBytes === null ? null : BigInt(seed.cacheBytes),
            revokedAt: revoked ? now : null,
          },
        });
      }
    });

    it("answers the first page by hostname, case-insensitively, bytes breaking ties, revoked machines left out", async () => {
      const page = await listFleetPage(database.db, query(), now);
      expect(page.rows.map((row) => row.hostname)).toEqual(["alpha-mac", "Beta-Mac", "beta-mac", "delta", "epsilon", "gamma_box", "zeta"]);
      expect(page).toMatchObject({ total: 7, page: 1, pageSize: 50, pageCount: 1, fleetEmpty: false });
      expect(page.counts).toEqual({ mixed: 1, plaintext: 2, encrypted: 2, empty: 1, unscanned: 1 });
      expect(page.rows[0]).toEqual({
        id: "m090",
        hostname: "alpha-mac",
        username: "alice",
        platform: "darwin",
        arch: "arm64",
        rosetta: false,
        macosVersion: "14.5",
        goVersion: "go1.22.2",
        goVersions: ["go1.22.2", "go1.21.9"],
        cacheEntries: 50,
        cacheBytes: 5000,
        cacheVerdict: "plaintext",
        health: "critical",
        findingsCount: 2,
        keychainKey: "missing",
        cacheBackend: null,
        hitRate: null,
        lastSeenAt: minutesAgo(1),
        online: true,
        cacheGrowthPerDay: null,
      });
      expect(page.rows.find((row) => row.hostname === "Beta-Mac")).toMatchObject({ rosetta: true, online: false });
      expect(page.rows.find((row) => row.hostname === "delta")).toMatchObject({ rosetta: null, lastSeenAt: null, online: false });
      expect(await hostnames({ direction: "desc" })).toEqual(["zeta", "gamma_box", "epsilon", "delta", "beta-mac", "Beta-Mac", "alpha-mac"]);
    });

    it("sorts numbers and times with unknowns last in either direction", async () => {
      expect(await hostnames({ sort: "cacheBytes" })).toEqual(["gamma_box", "Beta-Mac", "beta-mac", "zeta", "alpha-mac", "delta", "epsilon"]);
      expect(await hostnames({ sort: "cacheBytes", direction: "desc" })).toEqual(["delta", "alpha-mac", "zeta", "beta-mac", "Beta-Mac", "gamma_box", "epsilon"]);
      expect(await hostnames({ sort: "cacheEntries", direction: "desc" })).toEqual(["delta", "alpha-mac", "zeta", "Beta-Mac", "beta-mac", "gamma_box", "epsilon"]);
      expect(await hostnames({ sort: "lastSeen", direction: "desc" })).toEqual(["gamma_box", "alpha-mac", "epsilon", "zeta", "beta-mac", "Beta-Mac", "delta"]);
      // Equal counts fall back to the id, in the same direction.
      expect(await hostnames({ sort: "findings" })).toEqual(["gamma_box", "beta-mac", "zeta", "epsilon", "Beta-Mac", "alpha-mac", "delta"]);
    });

    it("sorts versions in release order, not text order", async () => {
      expect(await hostnames({ sort: "goVersion" })).toEqual(["Beta-Mac", "delta", "beta-mac", "zeta", "gamma_box", "alpha-mac", "epsilon"]);
      expect(await hostnames({ sort: "macosVersion", direction: "desc" })).toEqual(["beta-mac", "gamma_box", "zeta", "alpha-mac", "epsilon", "Beta-Mac", "delta"]);
      expect(["go1.22.2", "go1.9", "go1.21.10", "go1.21.9"].sort(compareVersions)).toEqual(["go1.9", "go1.21.9", "go1.21.10", "go1.22.2"]);
    });

    it("sorts verdicts and Keychain keys worst first, the user and arch by text", async () => {
      expect(await hostnames({ sort: "verdict" })).toEqual(["delta", "zeta", "alpha-mac", "beta-mac", "Beta-Mac", "gamma_box", "epsilon"]);
      expect(await hostnames({ sort: "keychainKey" })).toEqual(["zeta", "alpha-mac", "gamma_box", "epsilon", "beta-mac", "Beta-Mac", "delta"]);
      expect(await hostnames({ sort: "user" })).toEqual(["alpha-mac", "Beta-Mac", "beta-mac", "delta", "epsilon", "gamma_box", "zeta"]);
      expect(await hostnames({ sort: "arch" })).toEqual(["zeta", "gamma_box", "epsilon", "beta-mac", "alpha-mac", "Beta-Mac", "delta"]);
    });

    it("sorts by health worst first, hostnames A to Z within a health in either direction, unreported machines last", async () => {
      // Beside the seeds for this test only: a machine that never reported (no health yet), and
      // one whose hostname differs from a critical one's only in case.
      const extra = [
        { id: "m010", tokenHash: "token-unreported", hostname: "unreported", username: "una", platform: "darwin", arch: "arm64", health: null },
        { id: "m011", tokenHash: "token-upper", hostname: "Alpha-Mac", username: "al", platform: "darwin", arch: "arm64", health: "critical" },
      ];
      await database.db.machine.createMany({ data: extra });
      try {
        expect(await hostnames({ sort: "health" })).toEqual(["Alpha-Mac", "alpha-mac", "delta", "epsilon", "zeta", "Beta-Mac", "beta-mac", "gamma_box", "unreported"]);
        expect(await hostnames({ sort: "health", direction: "desc" })).toEqual(["beta-mac", "gamma_box", "Beta-Mac", "Alpha-Mac", "alpha-mac", "delta", "epsilon", "zeta", "unreported"]);
        // Each page continues the order of the one before.
        const pages: string[] = [];
        for (let page = 1; page <= 5; page++) {
          pages.push(...(await listFleetPage(database.db, query({ sort: "health", page, pageSize: 2 }), now)).rows.map((row) => row.hostname));
        }
        expect(pages).toEqual(await hostnames({ sort: "health" }));
      } finally {
        await database.db.machine.deleteMany({ where: { id: { in: extra.map((machine) => machine.id) } } });
      }
    });

    it("filters on every column", async () => {
      expect(await hostnames({ verdict: "encrypted" })).toEqual(["Beta-Mac", "beta-mac"]);
      expect(await hostnames({ verdict: "unscanned" })).toEqual(["epsilon"]);
      expect(await hostnames({ health: "critical" })).toEqual(["alpha-mac", "delta", "epsilon", "zeta"]);
      expect(await hostnames({ arch: "rosetta" })).toEqual(["Beta-Mac"]);
      expect(await hostnames({ arch: "native" })).toEqual(["alpha-mac", "beta-mac", "epsilon", "gamma_box", "zeta"]);
      expect(await hostnames({ arch: "unknown" })).toEqual(["delta"]);
      expect(await hostnames({ goVersion: "go1.21.9" })).toEqual(["alpha-mac"]);
      expect(await hostnames({ goVersion: "go1.21" })).toEqual(["alpha-mac", "delta"]);
      expect(await hostnames({ goVersion: "go1.2" })).toEqual([]);
      expect(await hostnames({ keychainKey: "missing" })).toEqual(["alpha-mac", "zeta"]);
      expect(await hostnames({ keychainKey: "unknown" })).toEqual(["delta"]);
      expect(await hostnames({ findings: "none" })).toEqual(["beta-mac", "gamma_box"]);
      expect(await hostnames({ findings: "some" })).toEqual(["alpha-mac", "Beta-Mac", "delta", "epsilon", "zeta"]);
      // The team policy says when a machine is offline: 60 minutes by default.
      expect(await hostnames({ presence: "online" })).toEqual(["alpha-mac", "beta-mac", "epsilon", "gamma_box", "zeta"]);
      expect(await hostnames({ presence: "offline" })).toEqual(["Beta-Mac", "delta"]);
      await database.db.policy.update({ where: { id: "team" }, data: { offlineAfterMinutes: 10 } });
      expect(await hostnames({ presence: "offline" })).toEqual(["Beta-Mac", "beta-mac", "delta", "zeta"]);
      await database.db.policy.update({ where: { id: "team" }, data: { offlineAfterMinutes: 60 } });
    });

    it("searches hostname, user, Go and macOS versions case-insensitively, wildcards taken literally", async () => {
      expect(await hostnames({ search: "BETA" })).toEqual(["Beta-Mac", "beta-mac"]);
      expect(await hostnames({ search: "Zo" })).toEqual(["zeta"]);
      expect(await hostnames({ search: "1.21.1" })).toEqual(["delta"]);
      expect(await hostnames({ search: "go1.21" })).toEqual(["alpha-mac", "delta"]);
      expect(await hostnames({ search: "10.15" })).toEqual(["Beta-Mac"]);
      expect(await hostnames({ search: "_" })).toEqual(["gamma_box"]);
      expect(await hostnames({ search: "%" })).toEqual([]);
      expect(await hostnames({ search: "a-m" })).toEqual(["alpha-mac", "Beta-Mac", "beta-mac"]);
    });

    it("counts verdicts under every filter but the verdict one", async () => {
      const page = await listFleetPage(database.db, query({ verdict: "plaintext", health: "critical" }), now);
      expect(page.rows.map((row) => row.hostname)).toEqual(["alpha-mac", "zeta"]);
      expect(page.total).toBe(2);
      expect(page.counts).toEqual({ mixed: 1, plaintext: 2, encrypted: 0, empty: 0, unscanned: 1 });
      const none = await listFleetPage(database.db, query({ search: "no such machine" }), now);
      expect(none).toMatchObject({ rows: [], total: 0, fleetEmpty: false });
    });

    it("pages through the same order without gaps or overlaps, and answers the last page past the end", async () => {
      const whole = await hostnames({ sort: "cacheBytes", direction: "desc" });
      const pages: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const answer = await listFleetPage(database.db, query({ sort: "cacheBytes", direction: "desc", page, pageSize: 2 }), now);
        expect(answer).toMatchObject({ page, pageCount: 4, total: 7 });
        pages.push(...answer.rows.map((row) => row.hostname));
      }
      expect(pages).toEqual(whole);
      const past = await listFleetPage(database.db, query({ page: 40, pageSize: 2 }), now);
      expect(past.page).toBe(4);
      expect(past.rows.map((row) => row.hostname)).toEqual(["zeta"]);
    });

    it("lists every Go toolchain in the fleet, newest first", async () => {
      expect(await listFleetGoVersions(database.db)).toEqual(["go1.22.2", "go1.22.0", "go1.21.10", "go1.21.9", "go1.9"]);
    });
  });
});

describe("the fleet query's validation", () => {
  it("fills defaults and refuses what the page never sends", () => {
    expect(FleetQuery.parse({})).toEqual({ page: 1, pageSize: 50, sort: "hostname", direction: "asc" });
    expect(FleetQuery.safeParse({ pageSize: 201 }).success).toBe(false);
    expect(FleetQuery.safeParse({ sort: "tokenHash" }).success).toBe(false);
    expect(FleetQuery.parse({ sort: "health" }).sort).toBe("health");
    expect(FleetQuery.safeParse({ goVersion: "1.22; DROP TABLE" }).success).toBe(false);
    expect(FleetQuery.safeParse({ extra: 1 }).success).toBe(false);
  });
});
