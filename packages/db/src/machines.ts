// Enrollment, agent authentication, reports and the denormalised fleet view.
import { StoredAgentReport, hitRateOf, type AgentReport, type KeychainKeyState, type MachineIdentity } from "@cachefleet/contract";
import { reportDigest } from "@cachefleet/contract/digest";
import { sqltag as sql } from "@prisma/client/runtime/client";
import type { Db, DbTransaction } from "./client.js";
import { hashToken, newEnrollmentSecret, newToken } from "./secrets.js";
import { chunked } from "./batching.js";
import { decodePayload, encodePayload } from "./payload.js";
import { GROWTH_WINDOW_DAYS, growthPerDay, type SizePoint } from "./growth.js";

export async function createEnrollmentSecret(db: Db, name: string, secret: string = newEnrollmentSecret()): Promise<string> {
  await db.enrollmentSecret.create({ data: { name, secretHash: hashToken(secret) } });
  return secret;
}

export class EnrollmentRefused extends Error {}

/** Trades a valid enrollment secret for a new machine and its token (returned once, stored hashed). */
export async function enrollMachine(
  db: Db,
  secret: string,
  machine: MachineIdentity,
): Promise<{ machineId: string; token: string }> {
  const enrollment = await db.enrollmentSecret.findUnique({ where: { secretHash: hashToken(secret) } });
  if (!enrollment || enrollment.revokedAt) throw new EnrollmentRefused("The enrollment secret is unknown or revoked.");
  const token = newToken(32);
  const created = await db.machine.create({
    data: {
      tokenHash: hashToken(token),
      enrolledWithId: enrollment.id,
      hostname: machine.hostname,
      osHostname: machine.osHostname ?? null,
      username: machine.username,
      platform: machine.platform,
      osRelease: machine.osRelease,
      arch: machine.arch,
    },
  });
  return { machineId: created.id, token };
}

/**
 * The machine an agent token belongs to, unless revoked. Runs on every agent request, so it is one
 * raw statement: Prisma compiles each model query to a plan before running it, which costs
 * several times the query itself on this path (measured: ≈3× a raw SELECT on SQLite).
 */
export async function findMachineByToken(db: Db, token: string): Promise<{ id: string; hostname: string } | null> {
  const [machine] = await db.$queryRaw<{ id: string; hostname: string; revokedAt: unknown }[]>(
    sql`SELECT "id", "hostname", "revokedAt" FROM "Machine" WHERE "tokenHash" = ${hashToken(token)}`,
  );
  if (!machine || machine.revokedAt !== null) return null;
  return { id: machine.id, hostname: machine.hostname };
}

export interface ReportEvaluation {
  health: string;
  /** The rules the report fails, e.g. ["mixed-cache"]. */
  rules: readonly string[];
}

/** A report id another machine already used: refused, so one agent cannot overwrite or probe another's. */
export class ReportIdTaken extends Error {
  constructor(reportId: string) {
    super(`Report id ${reportId} belongs to another machine; send a new id.`);
    this.name = "ReportIdTaken";
  }
}

/** Whether Prisma refused a write on a unique constraint (code P2002), on either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error) || !("code" in error)) return false;
  if (error.code === "P2002") return true;
  // A raw statement's failure (P2010) carries the driver adapter's own classification.
  return error.code === "P2010" && "meta" in error && driverErrorKind(error.meta) === "UniqueConstraintViolation";
}

/** meta.driverAdapterError.cause.kind of a Prisma error, when it has one. */
function driverErrorKind(meta: unknown): unknown {
  let value: unknown = meta;
  for (const field of ["driverAdapterError", "cause", "kind"]) {
    value = typeof value === "object" && value !== null ? new Map(Object.entries(value)).get(field) : undefined;
  }
  return value;
}

/** What recordReport answers: whether the report was new, its digest, and the health it replaced. */
export interface RecordedReport {
  stored: boolean;
  digest: string;
  /** The machine's health before this report (null before its first); what webhooks compare with. */
  previousHealth: string | null;
}

/**
 * Stores a report and refreshes the machine's current state, in one transaction: the report is
 * stored whole or not at all, so a report the database refused leaves nothing behind and may be
 * sent again. Idempotent on the report id, so an agent may resend a report it is unsure about; an
 * id another machine used is refused with ReportIdTaken. `digest` is the report's digest, which
 * the machine's heartbeats are compared with (see recordHeartbeat).
 *
 * What the new state is computed from (the previous health, the history behind the growth rate)
 * is read before the transaction, in one query, so the transaction holds the database's write
 * lock (SQLite) or the machine's row (PostgreSQL) only for its two writes. A resend is recognised
 * by the report id's unique index rather than by a read ahead of every report.
 */
export async function recordReport(db: Db, machineId: string, report: AgentReport, evaluation: ReportEvaluation): Promise<RecordedReport> {
  const digest = reportDigest(report);
  const before = await machineBeforeReport(db, machineId, report);
  try {
    await db.$transaction(async (tx) => writeReport(tx, machineId, report, evaluation, digest, before.hygiene), { maxWait: 30_000, timeout: 30_000 });
  } catch (error) {
    // The id was stored before (a resend, or the same report sent twice at once): answer as a
    // resend does, or refuse an id another machine used.
    if (isUniqueViolation(error)) {
      const existing = await db.report.findUnique({ where: { id: report.id }, select: { machineId: true } });
      if (existing && existing.machineId !== machineId) throw new ReportIdTaken(report.id);
      if (existing) return { stored: false, digest, previousHealth: before.health };
    }
    throw error;
  }
  return { stored: true, digest, previousHealth: before.health };
}

async function writeReport(db: DbTransaction, machineId: string, report: AgentReport, evaluation: ReportEvaluation, digest: string, hygiene: HygieneColumns): Promise<void> {
  const summary = report.scan.status === "ok" ? report.scan.summary : null;
  await db.report.create({
    data: {
      id: report.id,
      machineId,
      takenAt: new Date(report.takenAt),
      payload: encodePayload(JSON.stringify(report)),
      cacheEntries: summary?.entries.count ?? null,
      cacheBytes: summary ? BigInt(summary.entries.bytes) : null,
      plaintextEntries: summary?.classes.plaintext.count ?? null,
      encryptedEntries: summary?.classes.encrypted.count ?? null,
      cacheGets: report.cacheHits?.gets ?? null,
      cacheHits: report.cacheHits?.hits ?? null,
    },
  });
  await db.machine.update({
    where: { id: machineId },
    data: {
      lastSeenAt: new Date(),
      hostname: report.machine.hostname,
      // Null when this report does not say (an agent from before it): what the page shows is what
      // the latest report said, never a name kept from an earlier agent version.
      osHostname: report.machine.osHostname ?? null,
      username: report.machine.username,
      platform: report.machine.platform,
      osRelease: report.machine.osRelease,
      arch: report.machine.arch,
      timeZone: report.timeZone ?? null,
      goVersion: report.go.status === "ok" ? report.go.env.GOVERSION : null,
      ...probedColumns(report),
      ...cacheHelperColumns(report),
      gocache: summary?.gocache ?? (report.go.status === "ok" ? report.go.env.GOCACHE : null),
      cacheEntries: summary?.entries.count ?? null,
      cacheBytes: summary ? BigInt(summary.entries.bytes) : null,
      cacheVerdict: summary?.verdict ?? null,
      health: evaluation.health,
      findingsCount: evaluation.rules.length,
      findingRules: evaluation.rules.length > 0 ? `,${evaluation.rules.join(",")},` : "",
      latestReportId: report.id,
      latestReportDigest: digest,
      ...hygiene,
    },
    // Nothing is read back: the whole row would be returned and decoded otherwise.
    select: { id: true },
  });
}

/**
 * A heartbeat: refreshes the machine's last-seen time and nothing else, in one statement, and
 * says whether the dashboard holds the full report the agent last sent (`digest`). A machine
 * with no stored digest (never reported, reported before digests existed, or a database
 * restored from before its latest report) does not match, so the agent sends a full report.
 */
export async function recordHeartbeat(db: Db, machineId: string, digest: string | null, now: Date = new Date()): Promise<{ reportMatches: boolean }> {
  // One raw statement, as in findMachineByToken: this runs for every heartbeat of the fleet.
  const [machine] = await db.$queryRaw<{ latestReportDigest: string | null }[]>(
    sql`UPDATE "Machine" SET "lastSeenAt" = ${now} WHERE "id" = ${machineId} RETURNING "latestReportDigest"`,
  );
  return { reportMatches: digest !== null && machine !== undefined && machine.latestReportDigest === digest };
}

/** The encrypted cache's columns: backend, hit rate and the key's creation date, for the fleet and audit pages. */
export function cacheHelperColumns(report: AgentReport): { cacheBackend: string | null; hitRate: number | null; cacheGets: number | null; keyCreatedAt: Date | null } {
  const { goToolchain, keychain } = report.probes;
  const figures = report.cacheHits;
  return {
    cacheBackend: goToolchain.status === "ok" ? (goToolchain.cacheBackend?.kind ?? null) : null,
    hitRate: figures ? hitRateOf(figures) : null,
    cacheGets: figures?.gets ?? null,
    keyCreatedAt: keychain.status === "ok" && keychain.keyCreatedAt ? new Date(keychain.keyCreatedAt) : null,
  };
}

type HygieneColumns = { lastTrimAt: Date | null; trimUnusedEntries: number | null; trimUnusedBytes: bigint | null; diskFreeBytes: bigint | null; cacheGrowthPerDay: number | null };

/**
 * The machine's health before `report`, and its trim facts, free disk and growth rate from this
 * report and its recent history: one query (the machine with its recent report sizes).
 */
async function machineBeforeReport(db: Db, machineId: string, report: AgentReport): Promise<{ health: string | null; hygiene: HygieneColumns }> {
  const summary = report.scan.status === "ok" ? report.scan.summary : null;
  const trim = summary?.trim ?? null;
  const permissions = report.probes.permissions;
  const disk = permissions.status === "ok" ? permissions.disk : null;
  const takenAt = new Date(report.takenAt);
  const machine = await db.machine.findUnique({
    where: { id: machineId },
    select: {
      health: true,
      reports: {
        where: { takenAt: { gte: new Date(takenAt.getTime() - GROWTH_WINDOW_DAYS * 86_400_000), lt: takenAt }, cacheBytes: { not: null } },
        select: { takenAt: true, cacheBytes: true },
        orderBy: { takenAt: "asc" },
        take: 1000,
      },
    },
  });
  const points: SizePoint[] = (machine?.reports ?? []).flatMap((row) => (row.cacheBytes === null ? [] : [{ takenAt: row.takenAt, bytes: Number(row.cacheBytes) }]));
  if (summary) points.push({ takenAt, bytes: summary.entries.bytes });
  return {
    health: machine?.health ?? null,
    hygiene: {
      lastTrimAt: trim?.lastTrimAt ? new Date(trim.lastTrimAt) : null,
      trimUnusedEntries: trim ? trim.unused.count : null,
      trimUnusedBytes: trim ? BigInt(trim.unused.bytes) : null,
      diskFreeBytes: disk ? BigInt(disk.freeBytes) : null,
      cacheGrowthPerDay: summary ? growthPerDay(points) : null,
    },
  };
}

/** The fleet page's columns that come from the machine probes. */
export function probedColumns(report: AgentReport): { macosVersion: string | null; rosetta: boolean | null; keychainKey: KeychainKeyState | null; goVersions: string } {
  const { hardware, keychain, goToolchain } = report.probes;
  // The active toolchain first, then every other one the probe saw, each once.
  const versions = new Set<string>();
  if (report.go.status === "ok" && report.go.env.GOVERSION) versions.add(report.go.env.GOVERSION);
  if (goToolchain.status === "ok") {
    for (const toolchain of goToolchain.toolchains) if (toolchain.version) versions.add(toolchain.version);
  }
  return {
    macosVersion: hardware.status === "ok" ? (hardware.macos?.productVersion ?? null) : null,
    // The hardware probe runs only on macOS: elsewhere (or when it failed) Rosetta is unknown.
    rosetta: hardware.status === "ok" ? hardware.agentTranslated || hardware.goUnderRosetta : null,
    // Off macOS without a key file the probe has nothing to find: "not-applicable", not unknown.
    keychainKey: keychain.status === "ok" ? (keychain.itemPresent ? "present" : "missing") : keychain.status === "not-applicable" ? "not-applicable" : null,
    goVersions: versions.size > 0 ? `,${[...versions].join(",")},` : "",
  };
}

export interface FleetRow {
  id: string;
  hostname: string;
  username: string;
  platform: string;
  arch: string;
  goVersion: string | null;
  cacheEntries: number | null;
  cacheBytes: number | null;
  cacheVerdict: string | null;
  health: string | null;
  findingsCount: number;
  lastSeenAt: Date | null;
  enrolledAt: Date;
}

const fleetColumns = {
  id: true,
  hostname: true,
  username: true,
  platform: true,
  arch: true,
  goVersion: true,
  cacheEntries: true,
  cacheBytes: true,
  cacheVerdict: true,
  health: true,
  findingsCount: true,
  lastSeenAt: true,
  enrolledAt: true,
} as const;

export interface FleetFilter {
  failingRule?: string;
  machineIds?: readonly string[];
}

/**
 * The ids of the machines a push goes to, in hostname order: every enrolled machine failing a
 * rule, or the named ones (read 500 at a time, see batching.ts). Chunks are merged in code-unit
 * order, which may differ from the database collation's in letter case and accents; only the
 * order of a large push's commands depends on it.
 */
export async function listFleetIds(db: Db, filter: FleetFilter = {}): Promise<string[]> {
  const where = { revokedAt: null, ...(filter.failingRule ? { findingRules: { contains: `,${filter.failingRule},` } } : {}) };
  const read = (ids: { id: { in: string[] } } | Record<string, never>) =>
    db.machine.findMany({ where: { ...where, ...ids }, select: { id: true, hostname: true }, orderBy: { hostname: "asc" } });
  if (!filter.machineIds) return (await read({})).map((row) => row.id);
  const chunks = chunked([...new Set(filter.machineIds)]);
  const rows: { id: string; hostname: string }[] = [];
  for (const ids of chunks) rows.push(...(await read({ id: { in: ids } })));
  if (chunks.length > 1) rows.sort((a, b) => (a.hostname !== b.hostname ? (a.hostname < b.hostname ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows.map((row) => row.id);
}

/**
 * One machine for its page. `hostname` is the name it goes by in the fleet; `osHostname` the
 * hostname its OS reports, null when its agent has not reported one.
 */
export async function getMachine(db: Db, machineId: string): Promise<(FleetRow & { osHostname: string | null; gocache: string | null; latestReport: AgentReport | null }) | null> {
  const row = await db.machine.findUnique({ where: { id: machineId }, select: { ...fleetColumns, osHostname: true, gocache: true, latestReportId: true } });
  if (!row) return null;
  const report = row.latestReportId ? await db.report.findUnique({ where: { id: row.latestReportId } }) : null;
  const { latestReportId: _latest, ...machine } = row;
  return {
    ...machine,
    cacheBytes: row.cacheBytes === null ? null : Number(row.cacheBytes),
    latestReport: report ? StoredAgentReport.parse(JSON.parse(decodePayload(report.payload))) : null,
  };
}
