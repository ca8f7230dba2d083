// The process-wide services the tRPC context and server actions use: one database client, one
// command notifier and queue watcher, better-auth, the logger and the metrics, created on first use,
// with the background jobs (report retention, webhook deliveries, automatic remediation) started
// beside them.
import "server-only";
import {
  createLogger,
  createServices,
  defaultRetentionJobOptions,
  loadAuthSecret,
  RetentionJob,
  startBackgroundJobs,
  type Services,
} from "@cachefleet/api";
import { createDatabase } from "@cachefleet/db";
import { database, env, paths } from "~/env";

declare global {
  // Kept on globalThis because Next dev reloads modules on every edit and may evaluate this module
  // once per route bundle; each copy would otherwise open its own connection pool, and a migrate
  // queued through one notifier would never wake an agent waiting on another. The promise is
  // stored, not the result, so concurrent first requests still create a single set.
  var cachefleetServices: Promise<Services> | undefined;
  var cachefleetShutdown: AbortController | undefined;
}

/**
 * Aborted when the process receives SIGTERM or SIGINT. Next's own handler then closes the server,
 * which waits for open connections; agents' and pages' event streams would hold it open for as
 * long as they stay connected, so every stream listens to this signal and ends at once.
 */
export function shutdownSignal(): AbortSignal {
  if (!globalThis.cachefleetShutdown) {
    const controller = new AbortController();
    globalThis.cachefleetShutdown = controller;
    const stop = () => controller.abort(new Error("The dashboard is stopping."));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }
  return globalThis.cachefleetShutdown.signal;
}

function startServices(): Services {
  const { dataDir } = paths;
  shutdownSignal();
  const { db } = createDatabase(database);
  const services = createServices(db, {
    queuePollMs: env.CACHEFLEET_QUEUE_POLL_MS,
    trustedProxyHops: env.CACHEFLEET_TRUSTED_PROXY,
    logger: createLogger({ level: env.CACHEFLEET_LOG_LEVEL }),
    auth: { provider: database.provider, secret: loadAuthSecret({ secret: env.BETTER_AUTH_SECRET, dataDir }), baseURL: env.BETTER_AUTH_URL },
  });
  // Report history and logs are kept as the Policy page says (packages/db retention.ts); each run
  // shows in the metrics and, when it fails, in the log.
  const { metrics, logger } = services;
  new RetentionJob(db, {
    ...defaultRetentionJobOptions,
    onRun: (run) => {
      metrics.retentionDeleted("Report", run.thinned + run.expired);
      metrics.retentionDeleted("CommandStep", run.stepsDeleted);
      metrics.retentionDeleted("ActivityEvent", run.activityDeleted);
      metrics.retentionRunFinished("succeeded");
    },
    onError: (error) => {
      logger.error({ err: error }, "retention job: a run failed");
      metrics.retentionRunFinished("failed");
    },
  }).start();
  // Webhook deliveries and automatic remediation run on whichever instances are up; each claims its work.
  startBackgroundJobs(services, { remediationMs: env.CACHEFLEET_REMEDIATION_INTERVAL_MS });
  return services;
}

export function getServices(): Promise<Services> {
  globalThis.cachefleetServices ??= Promise.resolve().then(startServices);
  return globalThis.cachefleetServices;
}
