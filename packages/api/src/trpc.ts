// Builds tRPC for the dashboard: the context, and the procedures for browsers (signed-in users)
// and agents (bearer tokens).
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { ApiTokenPrincipal, Db, SessionUser } from "@cachefleet/db";
import type { AgentTokenCache } from "./agent-tokens.js";
import { apiTokenPrincipalFrom, bearerToken, isApiToken } from "./api-token-auth.js";
import { sessionUserFrom, type Auth } from "./auth.js";
import type { RequestLimits } from "./failure-limiter.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import type { CommandNotifier } from "./notifier.js";
import type { QueueWatcher } from "./queue-watcher.js";

export interface Services {
  db: Db;
  notifier: CommandNotifier;
  /** Watches the shared queue for commands pushed through other dashboard instances. */
  watcher: QueueWatcher;
  /** better-auth over the same database: sessions, sign-in, account creation. */
  auth: Auth;
  /** Failure limits on sign-in and enrollment, and which proxies to believe about addresses. */
  limits: RequestLimits;
  /** Structured logs; the HTTP route gives each request a child carrying its request id. */
  logger: Logger;
  /** This process's Prometheus registry and the counters procedures increment. */
  metrics: Metrics;
  /** Agent tokens this process accepted in the last few seconds (agent-tokens.ts). */
  agentTokens: AgentTokenCache;
}

export interface Context extends Services {
  user: SessionUser | null;
  agentToken: string | null;
  /** The request's headers (client address for limits); absent for callers made in tests. */
  headers?: Headers;
  /** Set when `user` is an API token's principal rather than a signed-in person. */
  apiToken?: ApiTokenPrincipal["token"] | null;
  /**
   * Runs work once this request's answer has been written (the framework's `after`); absent for
   * callers made in tests, where such work runs on the next turn of the event loop.
   */
  afterResponse?: AfterResponse;
}

export type AfterResponse = (task: () => void) => void;

/** The context for one request; tests build it directly with a user or token of their choice. */
export async function createContext(services: Services, headers: Headers, afterResponse?: AfterResponse): Promise<Context> {
  const user = await sessionUserFrom(services.auth, headers);
  const token = bearerToken(headers);
  if (isApiToken(token)) {
    // A session cookie, when a request has both, decides who acts.
    const principal = user ? null : await apiTokenPrincipalFrom(services.db, headers);
    // An agent token is random base64url and may (once in 64⁴) begin with the same four
    // characters, so a token that is no API token's still reaches the agent procedures.
    return { ...services, user: user ?? principal?.user ?? null, agentToken: principal ? null : token, apiToken: principal?.token ?? null, headers, afterResponse };
  }
  return { ...services, user, agentToken: token, headers, afterResponse };
}

/**
 * How long one subscription stream may stay open; the client reconnects (agents resume from their
 * last event id), so a stream is never held by one connection forever and no request lives longer
 * than this on a dashboard instance.
 */
export const maxStreamDurationMs = 15 * 60_000;

/**
 * Every stream's timing, for tRPC's SSE and for the agents' command streams (command-stream.ts).
 * Every open stream pings: 10,000 agents at one ping per 10 s were 1,000 events a second, each a
 * socket write, on an otherwise idle dashboard. Every 30 s still keeps connections alive through
 * proxies and load balancers (whose idle timeouts are commonly 60 s), and an agent whose connection
 * died silently reconnects after 75 s without a ping.
 */
export const streamSettings = { maxDurationMs: maxStreamDurationMs, pingIntervalMs: 30_000, reconnectAfterInactivityMs: 75_000 } as const;

export const unknownAgentToken = "Unknown or revoked agent token; enroll again.";

/**
 * Which inputs were refused and why, field by field, for forms to show beside their fields
 * (zod's flattened errors). Only for a refused input: a failure of the server's own output
 * schemas stays an internal error with nothing of it shown.
 */
export interface InputErrors {
  /** Problems with the input as a whole. */
  formErrors: string[];
  /** Problems by top-level field name. */
  fieldErrors: Partial<Record<string, string[]>>;
}

export function inputErrorsOf(error: TRPCError): InputErrors | null {
  if (error.code !== "BAD_REQUEST" || !(error.cause instanceof z.ZodError)) return null;
  const { formErrors, fieldErrors } = z.flattenError(error.cause);
  return { formErrors, fieldErrors };
}

const t = initTRPC.context<Context>().create({
  errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, inputErrors: inputErrorsOf(error) } }),
  sse: {
    maxDurationMs: streamSettings.maxDurationMs,
    ping: { enabled: true, intervalMs: streamSettings.pingIntervalMs },
    client: { reconnectAfterInactivityMs: streamSettings.reconnectAfterInactivityMs },
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const userProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = userProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Only admins can do that." });
  return next();
});

/** For what a token must not do on its own (minting or revoking tokens): a signed-in admin only. */
export const sessionAdminProcedure = adminProcedure.use(({ ctx, next }) => {
  if (ctx.apiToken) throw new TRPCError({ code: "FORBIDDEN", message: "API tokens cannot manage API tokens; sign in as an admin." });
  return next();
});

export const agentProcedure = t.procedure.use(async ({ ctx, next }) => {
  const machine = ctx.agentToken ? await ctx.agentTokens.machineFor(ctx.agentToken) : null;
  if (!machine) throw new TRPCError({ code: "UNAUTHORIZED", message: unknownAgentToken });
  return next({ ctx: { ...ctx, machine } });
});
