// The long-lived services behind every request of one dashboard process.
import type { Db } from "@cachefleet/db";
import { createAuth, type AuthSettings } from "./auth.js";
import { createRequestLimits } from "./failure-limiter.js";
import { CommandNotifier } from "./notifier.js";
import { QueueWatcher } from "./queue-watcher.js";
import type { Services } from "./trpc.js";

export function createServices(db: Db, options: { queuePollMs: number; auth?: AuthSettings; trustedProxyHops?: number }): Services {
  const notifier = new CommandNotifier();
  const limits = createRequestLimits(options.trustedProxyHops ?? 0);
  return { db, notifier, watcher: new QueueWatcher(db, notifier, options.queuePollMs), auth: createAuth(db, { ...options.auth, limits }), limits };
}
