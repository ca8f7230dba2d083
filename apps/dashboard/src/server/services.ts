// The process-wide services the tRPC context and server actions use: one database client, one
// command notifier and queue watcher, and better-auth, created on first use, with the background
// jobs (webhook deliveries, automatic remediation) started beside them.
import path from "node:path";
import type { Services } from "@cachefleet/api";
import { env } from "~/env";
import { importApi, importDb } from "./backend";

declare global {
  // Kept on globalThis because Next dev reloads modules on every edit and may evaluate this module
  // once per route bundle; each copy would otherwise open its own connection pool, and a migrate
  // queued through one notifier would never wake an agent waiting on another. The promise is
  // stored, not the result, so concurrent first requests still create a single set.
  var cachefleetServices: Promise<Services> | undefined;
}

async function startServices(): Promise<Services> {
  const [{ createServices, loadAuthSecret, startBackgroundJobs }, { createDatabase, databaseTarget, defaultDataDir }] = await Promise.all([importApi(), importDb()]);
  const target = databaseTarget(env.DATABASE_URL);
  // `pnpm start` keeps the SQLite file in the data folder, so its folder is the data folder.
  const dataDir = env.CACHEFLEET_DATA_DIR ?? (target.provider === "sqlite" ? path.dirname(target.file) : defaultDataDir);
  const services = createServices(createDatabase(target).db, {
    queuePollMs: env.CACHEFLEET_QUEUE_POLL_MS,
    auth: { provider: target.provider, secret: loadAuthSecret({ secret: env.BETTER_AUTH_SECRET, dataDir }), baseURL: env.BETTER_AUTH_URL },
  });
  // Webhook deliveries and automatic remediation run on whichever instances are up; each claims its work.
  startBackgroundJobs(services, { remediationMs: env.CACHEFLEET_REMEDIATION_INTERVAL_MS });
  return services;
}

export function getServices(): Promise<Services> {
  globalThis.cachefleetServices ??= startServices();
  return globalThis.cachefleetServices;
}
