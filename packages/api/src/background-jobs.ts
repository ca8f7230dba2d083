// The jobs every dashboard instance runs in the background, started once per process: the webhook
// outbox (and the offline announcements it carries). Each job's claims are safe across instances.
import type { Db } from "@cachefleet/db";
import { WebhookDispatcher } from "./webhook-dispatcher.js";

export interface BackgroundJobs {
  stop(): void;
}

export function startBackgroundJobs(db: Db): BackgroundJobs {
  const webhooks = new WebhookDispatcher(db);
  webhooks.start();
  return { stop: () => webhooks.stop() };
}
