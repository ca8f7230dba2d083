// The long-lived services behind every request of one dashboard process.
import type { Db } from "@cachefleet/db";
import { createAuth, type AuthSettings } from "./auth.js";
import { CommandNotifier } from "./notifier.js";
import { QueueWatcher } from "./queue-watcher.js";
import type { Services } from "./trpc.js";

export function createServices(db: Db, options: { queuePollMs: number; auth?: AuthSettings }): Services {
  const notifier = new CommandNotifier();
  return { db, notifier, watcher: new QueueWatcher(db, notifier, options.queuePollMs), auth: createAuth(db, options.auth) };
}
