// What an operator's tools ask of the database: whether it answers with every migration applied
// (readiness), and the queue's size and shape (metrics). Reads only, each one cheap.
import fs from "node:fs";
import { sqltag as sql } from "@prisma/client/runtime/client";
import { targetOf, type Db } from "./client.js";
import { processWide } from "./process-wide.js";

export type Readiness = { ready: true } | { ready: false; reason: string };

/** The migrations this build ships: the folder names in the target's migrations folder. */
export function shippedMigrations(migrationsDir: string): string[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Ready when the database answers and every migration this build ships is recorded as applied
 * (a dashboard started against a database a step behind would fail on its first query). The
 * reason names what is wrong but never the URL, which may hold a password.
 */
export async function databaseReadiness(db: Db): Promise<Readiness> {
  const target = targetOf(db);
  if (target.provider === "sqlite") {
    const missing = sqliteFileProblem(db, target.file);
    if (missing) return { ready: false, reason: missing };
  }
  try {
    await db.$queryRaw(sql`SELECT 1`);
  } catch (error) {
    return { ready: false, reason: `the database did not answer: ${lastLine(error)}` };
  }
  let applied: { migration_name: string }[];
  try {
    applied = await db.$queryRaw<{ migration_name: string }[]>(
      sql`SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
    );
  } catch (error) {
    return { ready: false, reason: `the database has no migrations applied (${lastLine(error)}); run the migrations` };
  }
  const done = new Set(applied.map((row) => row.migration_name));
  const missing = shippedMigrations(target.migrationsDir).filter((name) => !done.has(name));
  if (missing.length > 0) return { ready: false, reason: `migrations not applied: ${missing.join(", ")}` };
  return { ready: true };
}

/** The SQLite file each handle had open when first checked: device and inode. */
const openedFiles = processWide("opened-sqlite-files", () => new WeakMap<Db, string>());

/**
 * An SQLite connection keeps answering after its file is deleted, moved or replaced (it holds the
 * old file open), and whatever it writes then is lost at the next start. So the file must still
 * be at its path, and be the same file as at the first check.
 */
function sqliteFileProblem(db: Db, file: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return `the SQLite database file is missing at ${file}`;
  }
  if (!stat.isFile()) return `${file} is not a file`;
  const identity = `${stat.dev}:${stat.ino}`;
  const first = openedFiles.get(db);
  if (first === undefined) openedFiles.set(db, identity);
  else if (first !== identity) return `the SQLite database file at ${file} was replaced while this instance had it open; restart the instance`;
  return null;
}

/** Prisma puts the driver's cause on the last line; anything URL-like is cut, as it may hold a password. */
function lastLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.trim().split("\n").filter(Boolean).at(-1) ?? "unknown error";
  return line.replace(/[a-z]+:\/\/\S+/gi, "<url>").slice(0, 300);
}

export interface CommandCount {
  kind: string;
  status: string;
  count: number;
}

/** How many commands there are of each kind and status; "preparing" counts as pending, as views show it. */
export async function countCommandsByKindAndStatus(db: Db): Promise<CommandCount[]> {
  const groups = await db.command.groupBy({ by: ["kind", "status"], _count: { _all: true } });
  const counts = new Map<string, CommandCount>();
  for (const group of groups) {
    const status = group.status === "preparing" ? "pending" : group.status;
    const key = `${group.kind}\u0000${status}`;
    const existing = counts.get(key);
    if (existing) existing.count += group._count._all;
    else counts.set(key, { kind: group.kind, status, count: group._count._all });
  }
  return [...counts.values()];
}

export interface QueueDepth {
  pending: number;
  /** When the oldest pending command entered the queue; null when none is pending. */
  oldestPendingAt: Date | null;
}

/** The queue agents have yet to claim: how many commands, and since when the oldest waits. */
export async function measureQueueDepth(db: Db): Promise<QueueDepth> {
  const { _count, _min } = await db.command.aggregate({ where: { status: "pending" }, _count: { _all: true }, _min: { createdAt: true } });
  return { pending: _count._all, oldestPendingAt: _min.createdAt };
}
