// The activity log: sign-ins, commands pushed and how they ended, and other admin actions.
import type { Db } from "./client.js";

export interface ActivityInput {
  actorEmail: string | null;
  action: string;
  subject?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordActivity(db: Db, event: ActivityInput): Promise<void> {
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
  return rows.map((row) => ({ ...row, detail: parseDetail(row.detail) }));
}
