// The long-lived services behind every request of one dashboard process.
import type { Db } from "@cachefleet/db";
import { AgentTokenCache, defaultAgentTokenCacheOptions, type AgentTokenCacheOptions } from "./agent-tokens.js";
import { createAuth, type AuthSettings } from "./auth.js";
import { createRequestLimits } from "./failure-limiter.js";
import { createLogger, type Logger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { CommandNotifier } from "./notifier.js";
import { QueueWatcher } from "./queue-watcher.js";
import type { Services } from "./trpc.js";

export interface ServiceOptions {
  queuePollMs: number;
  auth?: AuthSettings;
  /** How many proxies in front of the dashboard to believe about client addresses (X-Forwarded-For). */
  trustedProxyHops?: number;
  /** Default: JSON lines on stdout at level info. */
  logger?: Logger;
  /** How long an accepted agent token is believed; default 5 s (agent-tokens.ts). */
  agentTokens?: AgentTokenCacheOptions;
}

export function createServices(db: Db, options: ServiceOptions): Services {
  const logger = options.logger ?? createLogger({ level: "info" });
  const notifier = new CommandNotifier();
  const limits = createRequestLimits(options.trustedProxyHops ?? 0);
  const metrics = new Metrics({ db, notifier, onCollectError: (error) => logger.warn({ err: error }, "metrics: could not read the database") });
  return {
    db,
    notifier,
    watcher: new QueueWatcher(db, notifier, options.queuePollMs, (error) => logger.error({ err: error }, "command queue watcher: a tick failed")),
    auth: createAuth(db, { ...options.auth, limits }),
    limits,
    logger,
    metrics,
    agentTokens: new AgentTokenCache(db, options.agentTokens ?? defaultAgentTokenCacheOptions),
  };
}
