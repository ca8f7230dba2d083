// Webhooks, for admins only: create (the signing secret is in that answer, the URL is never sent
// back whole), pause or resume, delete, send a test event, read the delivery log, and reveal the
// signing secret again to a signed-in admin.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NewWebhook, pageInput, pageOffset } from "@cachefleet/contract";
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, queueWebhookEvent, recordActivity, setWebhookEnabled } from "@cachefleet/db";
import { adminProcedure, router, sessionAdminProcedure } from "../trpc.js";
import { maskUrl } from "../webhook-format.js";
import { iso } from "../dates.js";

const WebhookId = z.object({ webhookId: z.string().min(1).max(64) });

export const webhooksRouter = router({
  list: adminProcedure.query(async ({ ctx }) =>
    (await listWebhooks(ctx.db)).map((webhook) => ({
      id: webhook.id,
      name: webhook.name,
      format: webhook.format,
      maskedUrl: maskUrl(webhook.url),
      events: webhook.events,
      enabled: webhook.enabled,
      createdAt: iso(webhook.createdAt),
      createdByEmail: webhook.createdByEmail,
    })),
  ),

  /** The signing secret is in this answer; the URL is shown masked from now on. */
  create: adminProcedure.input(NewWebhook).mutation(async ({ ctx, input }) => {
    const created = await createWebhook(ctx.db, input, ctx.user.email);
    return { id: created.id, name: created.name, maskedUrl: maskUrl(created.url), signingSecret: created.signingSecret };
  }),

  signingSecret: sessionAdminProcedure.input(WebhookId).query(async ({ ctx, input }) => {
    const webhook = await getWebhook(ctx.db, input.webhookId);
    if (!webhook) throw new TRPCError({ code: "NOT_FOUND", message: "No such webhook." });
    await recordActivity(ctx.db, { actorEmail: ctx.user.email, action: "webhook.secret-shown", subject: webhook.id, detail: { name: webhook.name } });
    return { signingSecret: webhook.signingSecret };
  }),

  setEnabled: adminProcedure.input(WebhookId.extend({ enabled: z.boolean() })).mutation(async ({ ctx, input }) => {
    if (!(await setWebhookEnabled(ctx.db, input.webhookId, input.enabled, ctx.user.email))) throw new TRPCError({ code: "NOT_FOUND", message: "No such webhook." });
    return { enabled: input.enabled };
  }),

  delete: adminProcedure.input(WebhookId).mutation(async ({ ctx, input }) => {
    if (!(await deleteWebhook(ctx.db, input.webhookId, ctx.user.email))) throw new TRPCError({ code: "NOT_FOUND", message: "No such webhook." });
    return { deleted: true };
  }),

  /** Queues a test event for this webhook only; the delivery log shows how the receiver answered. */
  sendTest: adminProcedure.input(WebhookId).mutation(async ({ ctx, input }) => {
    const webhook = await getWebhook(ctx.db, input.webhookId);
    if (!webhook) throw new TRPCError({ code: "NOT_FOUND", message: "No such webhook." });
    await queueWebhookEvent(ctx.db, { event: "test", orderKey: "test", body: { message: "A test event from Cachefleet." } }, { onlyWebhookId: webhook.id });
    await recordActivity(ctx.db, { actorEmail: ctx.user.email, action: "webhook.test-sent", subject: webhook.id, detail: { name: webhook.name } });
    return { queued: true };
  }),

  /** The latest deliveries, newest first, with the receiver's last answer. */
  deliveries: adminProcedure.input(WebhookId.extend(pageInput({ pageSize: 20 }).shape)).query(async ({ ctx, input }) =>
    (await listDeliveries(ctx.db, input.webhookId, { take: input.pageSize, skip: pageOffset(input) })).map((delivery) => ({
      ...delivery,
      createdAt: iso(delivery.createdAt),
      lastAttemptAt: iso(delivery.lastAttemptAt),
      nextAttemptAt: iso(delivery.nextAttemptAt),
      deliveredAt: iso(delivery.deliveredAt),
    })),
  ),
});
