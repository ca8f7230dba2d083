// Enrollment, agent authentication, reports and the denormalised fleet view.
import { StoredAgentReport, type AgentReport, type MachineIdentity } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { hashToken, newEnrollmentSecret, newToken } from "./secrets.js";
import { chunked } from "./batching.js";

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
      username: machine.username,
      platform: machine.platform,
      osRelease: machine.osRelease,
      arch: machine.arch,
    },
  });
  return { machineId: created.id, token };
}

export async function findMachineByToken(db: Db, token: string): Promise<{ id: string; hostname: string } | null> {
  const machine = await db.machine.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, hostname: true, revokedAt: true } });
  if (!machine || machine.revokedAt) return null;
  return { id: machine.id, hostname: machine.hostname };
}

export interface ReportEvaluation {
  health: string;
  /** The rules the report fails, e.g. ["mixed-cache"]. */
  rules: readonly string[];
}

/**
 * Stores a report and refreshes the machine's current state. Idempotent on the report id, so an
 * agent may resend a report it is unsure about.
 */
export async function recordReport(
  db: Db,
  machineId: string,
  report: AgentReport,
  evaluation: ReportEvaluation,
): Promise<{ stored: boolean }> {
  const existing = await db.report.findUnique({ where: { id: report.id }, select: { machineId: true } });
  if (existing) {
    if (existing.machineId !== machineId) throw new Error("That report id belongs to another machine.");
    return { stored: false };
  }
  const summary = report.scan.status === "ok" ? report.scan.summary : null;
  await db.report.create({
    data: {
      id: report.id,
      machineId,
      takenAt: new Date(report.takenAt),
      payload: JSON.stringify(report),
      cacheEntries: summary?.entries.count ?? null,
      cacheBytes: summary ? BigInt(summary.entries.bytes) : null,
      plaintextEntries: summary?.classes.plaintext.count ?? null,
      encryptedEntries: summary?.classes.encrypted.count ?? null,
    },
  });
  await db.machine.update({
    where: { id: machineId },
    data: {
      lastSeenAt: new Date(),
      hostname: report.machine.hostname,
      username: report.machine.username,
      platform: report.machine.platform,
      osRelease: report.machine.osRelease,
      arch: report.machine.arch,
      timeZone: report.timeZone ?? null,
      goVersion: report.go.status === "ok" ? report.go.env.GOVERSION : null,
      ...probedColumns(report),
      gocache: summary?.gocache ?? (report.go.status === "ok" ? report.go.env.GOCACHE : null),
      cacheEntries: summary?.entries.count ?? null,
      cacheBytes: summary ? BigInt(summary.entries.bytes) : null,
      cacheVerdict: summary?.verdict ?? null,
      health: evaluation.health,
      findingsCount: evaluation.rules.length,
      findingRules: evaluation.rules.length > 0 ? `,${evaluation.rules.join(",")},` : "",
      latestReportId: report.id,
    },
  });
  return { stored: true };
}

/** The fleet page's columns that come from the machine probes. */
export function probedColumns(report: AgentReport): { macosVersion: string | null; rosetta: boolean | null; keychainKey: "present" | "missing" | null; goVersions: string } {
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
    keychainKey: keychain.status === "ok" ? (keychain.itemPresent ? "present" : "missing") : null,
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

export async function getMachine(db: Db, machineId: string): Promise<(FleetRow & { gocache: string | null; latestReport: AgentReport | null }) | null> {
  const row = await db.machine.findUnique({ where: { id: machineId }, select: { ...fleetColumns, gocache: true, latestReportId: true } });
  if (!row) return null;
  const report = row.latestReportId ? await db.report.findUnique({ where: { id: row.latestReportId } }) : null;
  const { latestReportId: _latest, ...machine } = row;
  return {
    ...machine,
    cacheBytes: row.cacheBytes === null ? null : Number(row.cacheBytes),
    latestReport: report ? StoredAgentReport.parse(JSON.parse(report.payload)) : null,
  };
}
