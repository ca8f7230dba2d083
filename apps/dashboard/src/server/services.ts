// The process-wide services the tRPC context and server actions use: one database client, one
// command notifier, created on first use.
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

async function createServices(): Promise<Services> {
  const [{ CommandNotifier }, { createDatabase, databaseTarget }] = await Promise.all([importApi(), importDb()]);
  return {
    db: createDatabase(databaseTarget(env.DATABASE_URL)).db,
    notifier: new CommandNotifier(),
    queuePollMs: env.CACHEFLEET_QUEUE_POLL_MS,
  };
}

export function getServices(): Promise<Services> {
  globalThis.cachefleetServices ??= createServices();
  return globalThis.cachefleetServices;
}
