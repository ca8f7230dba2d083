// Retention of report history and logs: the team's settings (on the Policy row) and the job that
// enforces them in bounded batches. Full reports are kept whole for `keepAllReportsDays`, then
// thinned to the last one of each machine and UTC day until `keepDailyReportsDays`, then deleted;
// command step logs and the activity log go after `keepLogsDays`. A machine's latest report is
// never deleted: its page and its findings are read from it.
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";
import { chunked } from "./batching.js";

export interface RetentionSettings {
  keepAllReportsDays: number;
  keepDailyReportsDays: number;
  keepLogsDays: number;
}

export const defaultRetention: RetentionSettings = { keepAllReportsDays: 30, keepDailyReportsDays: 365, keepLogsDays: 365 };

const teamPolicyId = "team";
const dayMs = 86_400_000;

export async function getRetention(db: Db): Promise<RetentionSettings & { reportsThinnedBefore: Date | null }> {
  const row = await db.policy.upsert({
    where: { id: teamPolicyId },
    create: { id: teamPolicyId },
    update: {},
    select: { keepAllReportsDays: true, keepDailyReportsDays: true, keepLogsDays: true, reportsThinnedBefore: true },
  });
  return row;
}

/** Saves the retention settings and records what changed ("policy.retention-changed"). */
export async function updateRetention(db: Db, input: RetentionSettings, actorEmail: string): Promise<RetentionSettings> {
  if (input.keepDailyReportsDays < input.keepAllReportsDays) throw new RangeError("Daily reports cannot be kept for less time than every report.");
  const before = await getRetention(db);
  const after = await db.policy.update({
    where: { id: teamPolicyId },
    data: { ...input, updatedByEmail: actorEmail },
    select: { keepAllReportsDays: true, keepDailyReportsDays: true, keepLogsDays: true },
  });
  const { reportsThinnedBefore: _progress, ...previous } = before;
  await recordActivity(db, { actorEmail, action: "policy.retention-changed", subject: teamPolicyId, detail: { before: previous, after } });
  return after;
}

/** The start of the UTC day holding `time`. */
export function utcDayStart(time: Date): Date {
  return new Date(Math.floor(time.getTime() / dayMs) * dayMs);
}

export interface ReportRow {
  id: string;
  machineId: string;
}

/**
 * The thinning decision for rows of one UTC day read oldest first, possibly in several batches:
 * `kept` holds, per machine, the newest row seen so far (it carries over to the next batch), and
 * every row it replaces is returned to be deleted. At the end of the day `kept` is what remains.
 */
export function thinBatch(rows: readonly ReportRow[], kept: Map<string, string>): string[] {
  const victims: string[] = [];
  for (const row of rows) {
    const previous = kept.get(row.machineId);
    if (previous !== undefined) victims.push(previous);
    kept.set(row.machineId, row.id);
  }
  return victims;
}

export interface RetentionOptions {
  /** Rows one read takes (deletes go 500 ids at a time, see batching.ts). */
  batchSize?: number;
  /** Reads one run may do before it returns, so a run is bounded however far behind it is. */
  maxBatches?: number;
}

export interface RetentionRun {
  /** Reports deleted because a later one of the same machine and day is kept. */
  thinned: number;
  /** Reports deleted because they are older than keepDailyReportsDays. */
  expired: number;
  stepsDeleted: number;
  activityDeleted: number;
  batches: number;
  /** False when the run stopped at maxBatches with work left: run again soon. */
  done: boolean;
}

export const defaultRetentionBatch = 2000;
export const defaultRetentionMaxBatches = 50;

/**
 * One bounded pass of the retention job at time `now`. Safe to run from several dashboard
 * instances at once: each deletion is a row that some later row of its machine and day replaces,
 * or a row past every limit; the progress mark only moves forward over whole days.
 */
export async function enforceRetention(db: Db, now: Date, options: RetentionOptions = {}): Promise<RetentionRun> {
  const batchSize = options.batchSize ?? defaultRetentionBatch;
  const run: RetentionRun = { thinned: 0, expired: 0, stepsDeleted: 0, activityDeleted: 0, batches: 0, done: false };
  const budget = () => run.batches < (options.maxBatches ?? defaultRetentionMaxBatches);
  const settings = await getRetention(db);
  const allCutoff = new Date(now.getTime() - settings.keepAllReportsDays * dayMs);
  const dailyCutoff = new Date(now.getTime() - settings.keepDailyReportsDays * dayMs);

  // 1. Reports older than every limit.
  let expiredDone = false;
  let after: { takenAt: Date; id: string } | null = null;
  while (budget()) {
    const rows: { id: string; takenAt: Date }[] = await db.report.findMany({
      where: { takenAt: { lt: dailyCutoff }, ...(after ? { OR: [{ takenAt: { gt: after.takenAt } }, { takenAt: after.takenAt, id: { gt: after.id } }] } : {}) },
      select: { id: true, takenAt: true },
      orderBy: [{ takenAt: "asc" }, { id: "asc" }],
      take: batchSize,
    });
    run.batches += 1;
    run.expired += await deleteReports(db, rows.map((row) => row.id));
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) {
      expiredDone = true;
      break;
    }
    after = last;
  }

  // 2. Thinning, a whole UTC day at a time from where the last run finished. A day is thinned
  //    once all of it is older than keepAllReportsDays.
  const thinUntil = utcDayStart(allCutoff);
  let day = settings.reportsThinnedBefore;
  if (day === null) {
    const oldest = await db.report.findFirst({ where: { takenAt: { lt: thinUntil } }, orderBy: { takenAt: "asc" }, select: { takenAt: true } });
    day = oldest ? utcDayStart(oldest.takenAt) : null;
  }
  if (day !== null && day < utcDayStart(dailyCutoff)) day = utcDayStart(dailyCutoff);
  while (day !== null && day < thinUntil && budget()) {
    const dayEnd = new Date(day.getTime() + dayMs);
    const kept = new Map<string, string>();
    let cursor: { takenAt: Date; id: string } | null = null;
    let finished = false;
    while (budget()) {
      const rows: { id: string; machineId: string; takenAt: Date }[] = await db.report.findMany({
        where: {
          takenAt: { gte: day, lt: dayEnd },
          ...(cursor ? { OR: [{ takenAt: { gt: cursor.takenAt } }, { takenAt: cursor.takenAt, id: { gt: cursor.id } }] } : {}),
        },
        select: { id: true, machineId: true, takenAt: true },
        orderBy: [{ takenAt: "asc" }, { id: "asc" }],
        take: batchSize,
      });
      run.batches += 1;
      run.thinned += await deleteReports(db, thinBatch(rows, kept));
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) {
        finished = true;
        break;
      }
      cursor = last;
    }
    if (!finished) break;
    day = dayEnd;
    await db.policy.update({ where: { id: teamPolicyId }, data: { reportsThinnedBefore: day } });
  }

  // 3. Logs.
  const thinningDone = day === null || day >= thinUntil;
  const logCutoff = new Date(now.getTime() - settings.keepLogsDays * dayMs);
  let stepsDone = false;
  while (budget()) {
    const steps = await db.commandStep.findMany({ where: { command: { finishedAt: { lt: logCutoff } } }, select: { id: true }, take: batchSize });
    run.batches += 1;
    for (const ids of chunked(steps.map((step) => step.id))) run.stepsDeleted += (await db.commandStep.deleteMany({ where: { id: { in: ids } } })).count;
    if (steps.length < batchSize) {
      stepsDone = true;
      break;
    }
  }
  let activityDone = false;
  while (budget()) {
    const events = await db.activityEvent.findMany({ where: { at: { lt: logCutoff } }, select: { id: true }, orderBy: { at: "asc" }, take: batchSize });
    run.batches += 1;
    for (const ids of chunked(events.map((event) => event.id))) run.activityDeleted += (await db.activityEvent.deleteMany({ where: { id: { in: ids } } })).count;
    if (events.length < batchSize) {
      activityDone = true;
      break;
    }
  }
  run.done = expiredDone && thinningDone && stepsDone && activityDone;
  return run;
}

/** Deletes these reports, except any that is still some machine's latest. */
async function deleteReports(db: Db, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const chunk of chunked(ids)) {
    const latest = await db.machine.findMany({ where: { latestReportId: { in: chunk } }, select: { latestReportId: true } });
    const protectedIds = new Set(latest.map((machine) => machine.latestReportId));
    const victims = chunk.filter((id) => !protectedIds.has(id));
    if (victims.length > 0) deleted += (await db.report.deleteMany({ where: { id: { in: victims } } })).count;
  }
  return deleted;
}
