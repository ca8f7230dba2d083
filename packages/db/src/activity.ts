// The activity log: sign-ins, commands pushed and how they ended, and other admin actions.
import type { Db } from "./client.js";

export interface ActivityInput {
  actorEmail: string | null;
  action: string;
  subject?: string | null;
  detail?: Record<string, unknown>;
}

/** Takes a transaction too, so an entry is written with the change it records. */
export async function recordActivity(db: Pick<Db, "activityEvent">, event: ActivityInput): Promise<void> {
  await db.activityEvent.create({
    data: { actorEmail: event.actorEmail, action: event.action, subject: event.subject ?? null, detail: JSON.stringify(event.detail ?? {}) },
  });
}

export interface ActivityView {
  id: string;
  at: Date;
  actorEmail: string | null;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
  /** The name the fleet shows for the machine the event is about (its subject or detail.machineId), when it still exists. */
  machineName: string | null;
}

/** The machine an event is about: commands name it in detail.machineId, machine events in subject. */
function machineIdOf(row: { action: string; subject: string | null; detail: Record<string, unknown> }): string | null {
  const fromDetail = row.detail.machineId;
  if (typeof fromDetail === "string") return fromDetail;
  return row.action.startsWith("machine.") ? row.subject : null;
}

async function withMachineNames(db: Db, rows: { id: string; at: Date; actorEmail: string | null; action: string; subject: string | null; detail: string }[]): Promise<ActivityView[]> {
  const parsed = rows.map((row) => ({ ...row, detail: parseDetail(row.detail) }));
  const ids = [...new Set(parsed.map(machineIdOf).filter((id): id is string => id !== null))];
  const machines = ids.length > 0 ? await db.machine.findMany({ where: { id: { in: ids } }, select: { id: true, hostname: true } }) : [];
  const names = new Map(machines.map((machine) => [machine.id, machine.hostname]));
  return parsed.map((row) => {
    const machineId = machineIdOf(row);
    return { ...row, machineName: machineId ? (names.get(machineId) ?? null) : null };
  });
}

function parseDetail(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}

export async function listActivity(db: Db, options: { take?: number; subject?: string } = {}): Promise<ActivityView[]> {
  const rows = await db.activityEvent.findMany({
    where: options.subject ? { subject: options.subject } : {},
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: Math.min(options.take ?? 100, 500),
  });
  return withMachineNames(db, rows);
}

/**
 * One page of the log, newest first; `actionPrefixes` keeps events whose action starts with one
 * of them (e.g. ["policy."]).
 */
export async function listActivityPage(
  db: Db,
  options: { page: number; pageSize: number; actionPrefixes?: readonly string[] },
): Promise<{ events: ActivityView[]; total: number }> {
  const prefixes = options.actionPrefixes ?? [];
  const where = prefixes.length > 0 ? { OR: prefixes.map((prefix) => ({ action: { startsWith: prefix } })) } : {};
  const [rows, total] = await Promise.all([
    db.activityEvent.findMany({ where, orderBy: [{ at: "desc" }, { id: "desc" }], skip: (options.page - 1) * options.pageSize, take: options.pageSize }),
    db.activityEvent.count({ where }),
  ]);
  return { events: await withMachineNames(db, rows), total };
}
