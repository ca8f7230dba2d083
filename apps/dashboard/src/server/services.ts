// The process-wide services the tRPC context and server actions use: one database client, one
// command notifier and queue watcher, created on first use.
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
  const [{ createServices }, { createDatabase, databaseTarget }] = await Promise.all([importApi(), importDb()]);
  return createServices(createDatabase(databaseTarget(env.DATABASE_URL)).db, { queuePollMs: env.CACHEFLEET_QUEUE_POLL_MS });
}

export function getServices(): Promise<Services> {
  globalThis.cachefleetServices ??= startServices();
  return globalThis.cachefleetServices;
}
