// Webhooks and their outbox. Configuration rows (created, listed, switched, deleted, with the
// activity log), the fan-out of one event to every webhook that wants it, and the outbox's claim
// and outcome statements. A delivery is claimed with one conditional UPDATE, so any number of
// dashboard instances may deliver from the same table on either database; deliveries of one
// webhook with the same order key (a machine) go out one at a time, oldest first.
import { randomUUID } from "node:crypto";
import type { WebhookEvent, WebhookFormat } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";
import { newToken } from "./secrets.js";
import { processWide } from "./process-wide.js";

export interface WebhookRow {
  id: string;
  name: string;
  format: WebhookFormat;
  url: string;
  signingSecret: string;
  events: WebhookEvent[];
  enabled: boolean;
  createdAt: Date;
  createdByEmail: string;
}

function eventList(stored: string): WebhookEvent[] {
  const known: readonly string[] = ["machine.critical", "command.failed", "remediation.failed", "machine.offline", "machine.enrolled"];
  return stored.split(",").filter((name): name is WebhookEvent => known.includes(name));
}

function toRow(row: { id: string; name: string; format: string; url: string; signingSecret: string; events: string; enabled: boolean; createdAt: Date; createdByEmail: string }): WebhookRow {
  return { ...row, format: row.format === "slack" ? "slack" : "json", events: eventList(row.events) };
}

export async function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return (await db.webhook.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(toRow);
}

export async function getWebhook(db: Db, id: string): Promise<WebhookRow | null> {
  const row = await db.webhook.findUnique({ where: { id } });
  return row ? toRow(row) : null;
}

/** Creates a webhook with a new signing secret, returned this once to the caller. */
export async function createWebhook(
  db: Db,
  input: { name: string; format: WebhookFormat; url: string; events: readonly WebhookEvent[] },
  actorEmail: string,
): Promise<WebhookRow> {
  const created = await db.webhook.create({
    data: { name: input.name, format: input.format, url: input.url, signingSecret: `cfw_${newToken(32)}`, events: `,${input.events.join(",")},`, createdByEmail: actorEmail },
  });
  // The URL is a secret: the log names the webhook, never where it points.
  await recordActivity(db, { actorEmail, action: "webhook.created", subject: created.id, detail: { name: input.name, format: input.format, events: input.events } });
  return toRow(created);
}

export async function setWebhookEnabled(db: Db, id: string, enabled: boolean, actorEmail: string): Promise<boolean> {
  const { count } = await db.webhook.updateMany({ where: { id, enabled: !enabled }, data: { enabled } });
  if (count > 0) await recordActivity(db, { actorEmail, action: enabled ? "webhook.enabled" : "webhook.paused", subject: id });
  return (await db.webhook.count({ where: { id } })) === 1;
}

/** Deletes the webhook with its outbox and log; false when there was none. */
export async function deleteWebhook(db: Db, id: string, actorEmail: string): Promise<boolean> {
  const webhook = await db.webhook.findUnique({ where: { id }, select: { name: true } });
  if (!webhook) return false;
  await db.webhook.deleteMany({ where: { id } });
  await recordActivity(db, { actorEmail, action: "webhook.deleted", subject: id, detail: { name: webhook.name } });
  return true;
}

const sequence = processWide("webhook-sequence", () => ({ last: 0 }));

/**
 * Increasing within this process (microseconds, bumped on ties), so events queued one after
 * another keep their order even in the same millisecond.
 */
function nextSequence(now: number): bigint {
  sequence.last = Math.max(now * 1000, sequence.last + 1);
  return BigInt(sequence.last);
}

export interface QueuedEvent {
  event: WebhookEvent | "test";
  /** What orders deliveries: a machine's id, or e.g. "test". */
  orderKey: string;
  /** The generic format's body, less its id and event (added here). */
  body: Record<string, unknown>;
}

/**
 * Queues the event for every enabled webhook that receives it (or only `onlyWebhookId`, for a
 * test send). Returns how many deliveries were queued.
 */
export async function queueWebhookEvent(db: Db, event: QueuedEvent, options: { onlyWebhookId?: string; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const webhooks = await db.webhook.findMany({
    where: options.onlyWebhookId ? { id: options.onlyWebhookId } : { enabled: true, events: { contains: `,${event.event},` } },
    select: { id: true },
  });
  if (webhooks.length === 0) return 0;
  const sequence = nextSequence(now.getTime());
  await db.webhookDelivery.createMany({
    data: webhooks.map((webhook) => {
      const id = randomUUID();
      return {
        id,
        webhookId: webhook.id,
        event: event.event,
        orderKey: event.orderKey,
        sequence,
        payload: JSON.stringify({ id, event: event.event, occurredAt: now.toISOString(), ...event.body }),
        nextAttemptAt: now,
        createdAt: now,
      };
    }),
  });
  return webhooks.length;
}

export interface ClaimedDelivery {
  id: string;
  event: string;
  payload: string;
  attempts: number;
  webhook: { id: string; name: string; format: WebhookFormat; url: string; signingSecret: string };
}

const outstanding = ["pending", "delivering"];

/**
 * Claims up to `limit` deliveries that are due: pending ones whose time has come, and delivering
 * ones whose claim lapsed. Each is the oldest outstanding delivery of its webhook and order key,
 * so a machine's events are delivered in order, one at a time; a claim is one conditional UPDATE
 * on the row's status and attempt count, so two instances never both claim it.
 */
export async function claimDueDeliveries(db: Db, options: { now: Date; claimMs: number; limit: number }): Promise<ClaimedDelivery[]> {
  const { now } = options;
  const due = await db.webhookDelivery.findMany({
    where: { OR: [{ status: "pending", nextAttemptAt: { lte: now } }, { status: "delivering", claimedUntil: { lte: now } }] },
    orderBy: [{ sequence: "asc" }, { id: "asc" }],
    take: options.limit * 4,
    select: { id: true, webhookId: true, orderKey: true, sequence: true, status: true, attempts: true },
  });
  const claimed: ClaimedDelivery[] = [];
  const seenKeys = new Set<string>();
  for (const candidate of due) {
    if (claimed.length >= options.limit) break;
    const key = `${candidate.webhookId}\u0000${candidate.orderKey}`;
    if (seenKeys.has(key)) continue;
    seenKeys.add(key);
    const first = await db.webhookDelivery.findFirst({
      where: { webhookId: candidate.webhookId, orderKey: candidate.orderKey, status: { in: outstanding } },
      orderBy: [{ sequence: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    if (first?.id !== candidate.id) continue;
    const { count } = await db.webhookDelivery.updateMany({
      where: { id: candidate.id, status: candidate.status, attempts: candidate.attempts },
      data: { status: "delivering", attempts: candidate.attempts + 1, claimedUntil: new Date(now.getTime() + options.claimMs), lastAttemptAt: now },
    });
    if (count !== 1) continue;
    const row = await db.webhookDelivery.findUnique({
      where: { id: candidate.id },
      select: { id: true, event: true, payload: true, attempts: true, webhook: { select: { id: true, name: true, format: true, url: true, signingSecret: true } } },
    });
    if (row) claimed.push({ ...row, webhook: { ...row.webhook, format: row.webhook.format === "slack" ? "slack" : "json" } });
  }
  return claimed;
}

export type DeliveryOutcome =
  | { delivered: true; status: number; response: string }
  | { delivered: false; status: number | null; response: string; retryAt: Date | null };

/** Records an attempt's outcome: delivered, pending again at `retryAt`, or failed for good. */
export async function finishDelivery(db: Db, deliveryId: string, attempts: number, outcome: DeliveryOutcome, now = new Date()): Promise<void> {
  const response = outcome.response.slice(0, 2000);
  await db.webhookDelivery.updateMany({
    // Only the claim that made this attempt may record it.
    where: { id: deliveryId, status: "delivering", attempts },
    data: outcome.delivered
      ? { status: "delivered", deliveredAt: now, claimedUntil: null, lastStatus: outcome.status, lastResponse: response }
      : outcome.retryAt
        ? { status: "pending", nextAttemptAt: outcome.retryAt, claimedUntil: null, lastStatus: outcome.status, lastResponse: response }
        : { status: "failed", claimedUntil: null, lastStatus: outcome.status, lastResponse: response },
  });
}

export interface DeliveryView {
  id: string;
  event: string;
  orderKey: string;
  status: string;
  attempts: number;
  createdAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  lastStatus: number | null;
  lastResponse: string | null;
}

/** A webhook's latest deliveries, newest first. */
export async function listDeliveries(db: Db, webhookId: string, { take = 20, skip = 0 }: { take?: number; skip?: number } = {}): Promise<DeliveryView[]> {
  return db.webhookDelivery.findMany({
    where: { webhookId },
    orderBy: [{ sequence: "desc" }, { id: "desc" }],
    take: Math.min(take, 200),
    skip: Math.max(skip, 0),
    select: { id: true, event: true, orderKey: true, status: true, attempts: true, createdAt: true, lastAttemptAt: true, nextAttemptAt: true, deliveredAt: true, lastStatus: true, lastResponse: true },
  });
}

/**
 * Machines offline longer than `offlineAfterMinutes` (not revoked, seen at least once) whose
 * current offline spell was not announced yet; the spell is recorded as announced here.
 */
export async function takeNewlyOfflineMachines(
  db: Db,
  options: { now: Date; offlineAfterMinutes: number; limit: number },
): Promise<{ id: string; hostname: string; lastSeenAt: Date }[]> {
  const cutoff = new Date(options.now.getTime() - options.offlineAfterMinutes * 60_000);
  const offline = await db.machine.findMany({
    where: { revokedAt: null, lastSeenAt: { lt: cutoff } },
    orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
    take: options.limit * 4,
    select: { id: true, hostname: true, lastSeenAt: true },
  });
  const notices = new Map(
    (await db.machineOfflineNotice.findMany({ where: { machineId: { in: offline.map((machine) => machine.id) } } })).map((notice) => [notice.machineId, notice.lastSeenAt.getTime()]),
  );
  const taken: { id: string; hostname: string; lastSeenAt: Date }[] = [];
  for (const machine of offline) {
    if (taken.length >= options.limit || !machine.lastSeenAt) continue;
    const known = notices.get(machine.id);
    if (known === machine.lastSeenAt.getTime()) continue;
    // Conditional on the notice as read, so two instances announce a spell once.
    if (known === undefined) {
      try {
        await db.machineOfflineNotice.create({ data: { machineId: machine.id, lastSeenAt: machine.lastSeenAt, notifiedAt: options.now } });
      } catch (error) {
        // P2002: another instance recorded this spell first (machineId is the key).
        if (error instanceof Error && "code" in error && error.code === "P2002") continue;
        throw error;
      }
    } else {
      const { count } = await db.machineOfflineNotice.updateMany({
        where: { machineId: machine.id, lastSeenAt: new Date(known) },
        data: { lastSeenAt: machine.lastSeenAt, notifiedAt: options.now },
      });
      if (count !== 1) continue;
    }
    taken.push({ id: machine.id, hostname: machine.hostname, lastSeenAt: machine.lastSeenAt });
  }
  return taken;
}

/** The kind of a command, for the event that announces how it ended. */
export async function getCommandKind(db: Db, commandId: string): Promise<string | null> {
  return (await db.command.findUnique({ where: { id: commandId }, select: { kind: true } }))?.kind ?? null;
}
