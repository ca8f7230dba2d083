// Automatic remediations: their configuration (with the activity log), what the planner reads
// (bindings, the machines concerned, per-machine states and their commands) and the per-machine
// state changes it asks for. Every change of a state is one conditional statement on the state
// as the planner saw it, so two dashboard instances never both start the same attempt.
import { CommandSpec, minutesOfLocalTime, type NewRemediation } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";

export interface RemediationRow {
  id: string;
  name: string;
  rule: string;
  spec: CommandSpec;
  windowStart: number;
  windowEnd: number;
  maxConcurrent: number;
  maxAttempts: number;
  retryBaseMinutes: number;
  paused: boolean;
  createdById: string | null;
  createdByEmail: string;
  createdAt: Date;
}

type StoredRemediation = Omit<RemediationRow, "spec"> & { spec: string; updatedAt: Date };

function toRow({ updatedAt: _updatedAt, ...row }: StoredRemediation): RemediationRow {
  return { ...row, spec: CommandSpec.parse(JSON.parse(row.spec)) };
}

export async function listRemediations(db: Db): Promise<RemediationRow[]> {
  return (await db.remediation.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(toRow);
}

export async function getRemediation(db: Db, id: string): Promise<RemediationRow | null> {
  const row = await db.remediation.findUnique({ where: { id } });
  return row ? toRow(row) : null;
}

export async function createRemediation(db: Db, input: NewRemediation, actor: { id: string; email: string }): Promise<RemediationRow> {
  const created = await db.remediation.create({
    data: {
      name: input.name,
      rule: input.rule,
      spec: JSON.stringify(input.spec),
      windowStart: minutesOfLocalTime(input.window.start),
      windowEnd: minutesOfLocalTime(input.window.end),
      maxConcurrent: input.maxConcurrent,
      maxAttempts: input.maxAttempts,
      retryBaseMinutes: input.retryBaseMinutes,
      createdById: actor.id,
      createdByEmail: actor.email,
    },
  });
  await recordActivity(db, { actorEmail: actor.email, action: "remediation.configured", subject: created.id, detail: { name: input.name, rule: input.rule, spec: input.spec, window: input.window, maxConcurrent: input.maxConcurrent, maxAttempts: input.maxAttempts } });
  return toRow(created);
}

export async function setRemediationPaused(db: Db, id: string, paused: boolean, actorEmail: string): Promise<boolean> {
  const remediation = await db.remediation.findUnique({ where: { id }, select: { name: true } });
  if (!remediation) return false;
  const { count } = await db.remediation.updateMany({ where: { id, paused: !paused }, data: { paused } });
  if (count > 0) await recordActivity(db, { actorEmail, action: paused ? "remediation.paused" : "remediation.resumed", subject: id, detail: { name: remediation.name } });
  return true;
}

export async function deleteRemediation(db: Db, id: string, actorEmail: string): Promise<boolean> {
  const remediation = await db.remediation.findUnique({ where: { id }, select: { name: true } });
  if (!remediation) return false;
  await db.remediation.deleteMany({ where: { id } });
  await recordActivity(db, { actorEmail, action: "remediation.deleted", subject: id, detail: { name: remediation.name } });
  return true;
}

export interface RemediationMachineRow {
  id: string;
  hostname: string;
  timeZone: string | null;
  lastSeenAt: Date | null;
  failingRules: string[];
  /** When its latest full report arrived (heartbeats do not count: they carry no findings). */
  reportedAt: Date | null;
}

/** Machines (not revoked) failing any of `rules`, plus those named in `alsoIds`. */
export async function listRemediationMachines(db: Db, rules: readonly string[], alsoIds: readonly string[]): Promise<RemediationMachineRow[]> {
  if (rules.length === 0 && alsoIds.length === 0) return [];
  const rows = await db.machine.findMany({
    where: { revokedAt: null, OR: [...rules.map((rule) => ({ findingRules: { contains: `,${rule},` } })), ...(alsoIds.length > 0 ? [{ id: { in: [...alsoIds] } }] : [])] },
    select: { id: true, hostname: true, timeZone: true, lastSeenAt: true, findingRules: true, latestReportId: true },
    orderBy: { id: "asc" },
  });
  const reportIds = rows.map((row) => row.latestReportId).filter((id): id is string => id !== null);
  const received = new Map(
    (reportIds.length > 0 ? await db.report.findMany({ where: { id: { in: reportIds } }, select: { id: true, receivedAt: true } }) : []).map((report) => [report.id, report.receivedAt]),
  );
  return rows.map(({ findingRules, latestReportId, ...row }) => ({
    ...row,
    failingRules: findingRules.split(",").filter((rule) => rule !== ""),
    reportedAt: latestReportId ? (received.get(latestReportId) ?? null) : null,
  }));
}

export interface RemediationStateRow {
  remediationId: string;
  machineId: string;
  status: "pending" | "running" | "fixed" | "failed";
  attempts: number;
  commandId: string | null;
  nextAttemptAt: Date | null;
  lastError: string | null;
  updatedAt: Date;
  /** For a state with a command: its status (pending, running, succeeded, failed, …). */
  commandStatus: string | null;
  commandError: string | null;
  commandFinishedAt: Date | null;
}

function toStatus(status: string): RemediationStateRow["status"] {
  return status === "running" || status === "fixed" || status === "failed" ? status : "pending";
}

export async function listRemediationStates(db: Db, remediationIds?: readonly string[]): Promise<RemediationStateRow[]> {
  const rows = await db.remediationState.findMany({
    where: remediationIds ? { remediationId: { in: [...remediationIds] } } : {},
    orderBy: [{ remediationId: "asc" }, { machineId: "asc" }],
  });
  const commandIds = rows.map((row) => row.commandId).filter((id): id is string => id !== null);
  const commands = new Map(
    (commandIds.length > 0 ? await db.command.findMany({ where: { id: { in: commandIds } }, select: { id: true, status: true, error: true, finishedAt: true } }) : []).map((command) => [command.id, command]),
  );
  return rows.map((row) => {
    const command = row.commandId ? commands.get(row.commandId) : undefined;
    return {
      remediationId: row.remediationId,
      machineId: row.machineId,
      status: toStatus(row.status),
      attempts: row.attempts,
      commandId: row.commandId,
      nextAttemptAt: row.nextAttemptAt,
      lastError: row.lastError,
      updatedAt: row.updatedAt,
      commandStatus: command?.status ?? null,
      commandError: command?.error ?? null,
      commandFinishedAt: command?.finishedAt ?? null,
    };
  });
}

/** Opens a round for a machine: no state yet, or fixed before. False when another instance did. */
export async function queueRemediationState(db: Db, remediationId: string, machineId: string, now: Date): Promise<boolean> {
  const reopened = await db.remediationState.updateMany({
    where: { remediationId, machineId, status: "fixed" },
    data: { status: "pending", attempts: 0, commandId: null, nextAttemptAt: null, lastError: null, updatedAt: now },
  });
  if (reopened.count === 1) return true;
  try {
    await db.remediationState.create({ data: { remediationId, machineId, status: "pending", updatedAt: now } });
    return true;
  } catch (error) {
    // P2002: the state exists already (another instance opened it).
    if (error instanceof Error && "code" in error && error.code === "P2002") return false;
    throw error;
  }
}

/** Claims the attempt: pending with attempt − 1 attempts becomes running. */
export async function claimRemediationAttempt(db: Db, remediationId: string, machineId: string, attempt: number, now: Date): Promise<boolean> {
  const { count } = await db.remediationState.updateMany({
    where: { remediationId, machineId, status: "pending", attempts: attempt - 1 },
    data: { status: "running", attempts: attempt, commandId: null, nextAttemptAt: null, updatedAt: now },
  });
  return count === 1;
}

export async function setRemediationCommand(db: Db, remediationId: string, machineId: string, commandId: string): Promise<void> {
  await db.remediationState.updateMany({ where: { remediationId, machineId, status: "running" }, data: { commandId } });
}

/** Moves a state on from what the planner saw (`from`, with `attempts`); false when it had changed. */
export async function moveRemediationState(
  db: Db,
  remediationId: string,
  machineId: string,
  from: { statuses: readonly string[]; attempts?: number },
  to: { status: "pending" | "fixed" | "failed"; nextAttemptAt?: Date | null; lastError?: string | null },
  now: Date,
): Promise<boolean> {
  const { count } = await db.remediationState.updateMany({
    where: { remediationId, machineId, status: { in: [...from.statuses] }, ...(from.attempts === undefined ? {} : { attempts: from.attempts }) },
    data: { status: to.status, nextAttemptAt: to.nextAttemptAt ?? null, ...(to.lastError === undefined ? {} : { lastError: to.lastError }), updatedAt: now },
  });
  return count === 1;
}

/** A running state whose command was never recorded is treated as lost after this long. */
export const lostCommandAfterMs = 5 * 60_000;

/** One machine's remediation states, with each remediation's name and rule, for its page. */
export async function listMachineRemediations(
  db: Db,
  machineId: string,
): Promise<{ remediationId: string; name: string; rule: string; kind: string; maxAttempts: number; status: RemediationStateRow["status"]; attempts: number; lastError: string | null; updatedAt: Date }[]> {
  const rows = await db.remediationState.findMany({
    where: { machineId },
    orderBy: { updatedAt: "desc" },
    include: { remediation: { select: { name: true, rule: true, spec: true, maxAttempts: true } } },
  });
  return rows.map((row) => ({
    remediationId: row.remediationId,
    name: row.remediation.name,
    rule: row.remediation.rule,
    kind: CommandSpec.parse(JSON.parse(row.remediation.spec)).kind,
    maxAttempts: row.remediation.maxAttempts,
    status: toStatus(row.status),
    attempts: row.attempts,
    lastError: row.lastError,
    updatedAt: row.updatedAt,
  }));
}
