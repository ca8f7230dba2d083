// The jobs every dashboard instance runs in the background, started once per process: the webhook
// outbox (and the offline announcements it carries) and automatic remediation. Each job's claims
// are safe across instances.
import { RemediationRunner } from "./remediation-runner.js";
import type { Services } from "./trpc.js";
import { WebhookDispatcher } from "./webhook-dispatcher.js";

export interface BackgroundJobs {
  stop(): void;
}

export interface BackgroundJobIntervals {
  webhooksMs?: number;
  remediationMs?: number;
}

export function startBackgroundJobs(services: Services, intervals: BackgroundJobIntervals = {}): BackgroundJobs {
  const webhooks = new WebhookDispatcher(services.db, intervals.webhooksMs === undefined ? {} : { intervalMs: intervals.webhooksMs });
  const remediation = new RemediationRunner(services.db, services.notifier, intervals.remediationMs);
  webhooks.start();
  remediation.start();
  return {
    stop: () => {
      webhooks.stop();
      remediation.stop();
    },
  };
}
