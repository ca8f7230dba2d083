import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.js";

export { appRouter, createCaller, type AppRouter } from "./root.js";
export { createContext, type Context, type InputErrors, type Services } from "./trpc.js";
export { createAuth, sessionUserFrom, signInWithPassword, signOutSession, type Auth, type AuthSettings, type CookieToSet, type SignInOutcome } from "./auth.js";
export { loadAuthSecret } from "./auth-secret.js";
export { AccountExists, bootstrapIfEmpty, createAccount, renameLocalhostAccounts, type BootstrapCredentials, type NewAccount } from "./accounts.js";
export { CommandNotifier } from "./notifier.js";
export { QueueWatcher } from "./queue-watcher.js";
export { RetentionJob, defaultRetentionJobOptions, type RetentionJobOptions } from "./retention-job.js";
export { createServices, type ServiceOptions } from "./services.js";
export { createLogger, LogLevel, requestIdFrom, scrubSecrets, type Logger, type LoggerOptions } from "./logger.js";
export { Metrics } from "./metrics.js";
export { handleAuthRequest, handleTrpcRequest, httpLimits, type TrpcRequestOptions } from "./http.js";
export { isServedAuthPath } from "./auth-http.js";
export { healthResponse, metricsResponse, readyResponse } from "./operations.js";
export { FleetFeed, fleetFeed } from "./fleet-feed.js";
export { csvCell, formatCsv, type CsvValue } from "./csv.js";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { openApiDocument, documentedRouters } from "./openapi.js";
export { WebhookDispatcher, type WebhookDispatcherOptions } from "./webhook-dispatcher.js";
export { verifyWebhookSignature, webhookSignature } from "./webhook-format.js";
export { startBackgroundJobs, type BackgroundJobIntervals, type BackgroundJobs } from "./background-jobs.js";
export { RemediationRunner } from "./remediation-runner.js";
