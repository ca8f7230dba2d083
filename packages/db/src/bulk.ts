// Multi-row inserts of machines and their reports, for seeding large fleets (benches, demos):
// tens of thousands of rows in seconds, where one create per row takes minutes.
import { join, sqltag as sql } from "@prisma/client/runtime/client";
import type { KeychainKeyState } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { chunked } from "./batching.js";

export interface MachineSeed {
  id: string;
  tokenHash: string;
  enrolledAt: Date;
  hostname: string;
  username: string;
  platform: string;
  osRelease: string;
  arch: string;
  lastSeenAt: Date | null;
  macosVersion: string | null;
  rosetta: boolean | null;
  keychainKey: KeychainKeyState | null;
  goVersion: string | null;
  goVersions: string;
  gocache: string | null;
  cacheEntries: number | null;
  cacheBytes: number | null;
  cacheVerdict: string | null;
  health: string | null;
  findingsCount: number;
  findingRules: string;
  latestReportId: string | null;
}

export interface ReportSeed {
  id: string;
  machineId: string;
  takenAt: Date;
  receivedAt: Date;
  /** The AgentReport JSON */
  payload: string;
  cacheEntries: number | null;
  cacheBytes: number | null;
  plaintextEntries: number | null;
  encryptedEntries: number | null;
}

const bigint = (value: number | null) => (value === null ? null : BigInt(value));

export async function insertMachines(db: Db, machines: readonly MachineSeed[]): Promise<void> {
  for (const chunk of chunked(machines)) {
    const rows = chunk.map(
      (m) =>
        sql`(${m.id}, ${m.tokenHash}, ${m.enrolledAt}, ${m.hostname}, ${m.username}, ${m.platform}, ${m.osRelease}, ${m.arch}, ${m.lastSeenAt}, ${m.macosVersion}, ${m.rosetta}, ${m.keychainKey}, ${m.goVersion}, ${m.goVersions}, ${m.gocache}, ${m.cacheEntries}, ${bigint(m.cacheBytes)}, ${m.cacheVerdict}, ${m.health}, ${m.findingsCount}, ${m.findingRules}, ${m.latestReportId})`,
    );
    await db.$executeRaw(
      sql`INSERT INTO "Machine" ("id", "tokenHash", "enrolledAt", "hostname", "username", "platform", "osRelease", "arch", "lastSeenAt", "macosVersion", "rosetta", "keychainKey", "goVersion", "goVersions", "gocache", "cacheEntries", "cacheBytes", "cacheVerdict", "health", "findingsCount", "findingRules", "latestReportId") VALUES ${join(rows)}`,
    );
  }
}

export async function insertReports(db: Db, reports: readonly ReportSeed[]): Promise<void> {
  for (const chunk of chunked(reports)) {
    const rows = chunk.map(
      (r) =>
        sql`(${r.id}, ${r.machineId}, ${r.takenAt}, ${r.receivedAt}, ${r.payload}, ${r.cacheEntries}, ${bigint(r.cacheBytes)}, ${r.plaintextEntries}, ${r.encryptedEntries})`,
    );
    await db.$executeRaw(
      sql`INSERT INTO "Report" ("id", "machineId", "takenAt", "receivedAt", "payload", "cacheEntries", "cacheBytes", "plaintextEntries", "encryptedEntries") VALUES ${join(rows)}`,
    );
  }
}
