// The long-lived services behind every request of one dashboard process.
import type { Db } from "@cachefleet/db";
import { CommandNotifier } from "./notifier.js";
import { QueueWatcher } from "./queue-watcher.js";
import type { Services } from "./trpc.js";

export function createServices(db: Db, options: { queuePollMs: number }): Services {
  const notifier = new CommandNotifier();
  return { db, notifier, watcher: new QueueWatcher(db, notifier, options.queuePollMs) };
}
