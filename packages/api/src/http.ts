// The dashboard's HTTP entry points for tRPC and better-auth, as fetch handlers. Every request
// meets the limits before any procedure runs (body size, batch size); open subscription streams
// end on the process-wide shutdown signal so the server can stop. Each request gets a request id
// (the caller's X-Request-Id when sane, else a new one), echoed in the response and carried by
// every line logged while serving it (logger.ts, withRequestId). Only the path is logged, never the
// query string (tRPC puts a query's input there) nor a header. The agents' command streams (GET
// agent.commands) are written by command-stream.ts, everything else by tRPC's fetch handler. The
// Next routes only hand requests here.
//
// Every agent heartbeat passes here, so the path is kept short (measured with `pnpm bench:ingest`
// and a CPU profile of `next start`): no copy of a request whose length Node's HTTP parser already
// bounds, no combined abort signal for a POST (only GET streams outlive their procedures), and no
// per-request child logger (a pino child cost ≈40 µs; the request id rides in an async scope).
// The access log line is at debug level: at info it would cost ≈100 µs a request, a tenth of a
// heartbeat's whole time here, for lines a fleet's steady heartbeats make useless in bulk.
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { wireLimits } from "@cachefleet/contract";
import { serveAllowedAuthRequest } from "./auth-http.js";
import { commandStreamPath, serveCommandStream } from "./command-stream.js";
import { requestIdFrom, withRequestId, type Logger } from "./logger.js";
import { appRouter } from "./root.js";
import { createContext, type AfterResponse, type Services } from "./trpc.js";

export const httpLimits = wireLimits;

export interface TrpcRequestOptions {
  /** Aborted when the process is stopping: ends every open stream of this request. */
  shutdown?: AbortSignal;
  endpoint?: string;
  /**
   * Runs work once the answer has been written (Next's `after`): a push hands its commands to the
   * agents' streams only then, so its answer is not held up behind thousands of stream events.
   */
  afterResponse?: AfterResponse;
}

/** Errors that answer a caller's mistake; anything else is the server's fault and is logged. */
const callerErrors = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST", "CONFLICT", "TOO_MANY_REQUESTS", "PAYLOAD_TOO_LARGE", "METHOD_NOT_SUPPORTED", "PARSE_ERROR"]);

function tooLarge(): Response {
  const message = `The request body is larger than ${httpLimits.maxBodyBytes} bytes.`;
  return Response.json({ error: { message, code: -32600, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } } }, { status: 413 });
}

/** The body, read only up to the limit; null when it is larger (by its declared length or by what arrives). */
async function boundedBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (!Number.isFinite(declared) || declared > maxBytes) return null;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The request tRPC reads, with its body bounded; null when the body is over the limit. A POST that
 * declares its length within the limit (and no chunked encoding) goes on as it came: Node's HTTP
 * parser delivers exactly the declared length and refuses a request declaring both, so nothing
 * more can arrive. Copying it into a new Request cost about a tenth of a trivial request's time.
 * A body of undeclared length is read up to the limit first. GET streams (subscriptions) also end
 * on the shutdown signal.
 */
async function limitedRequest(request: Request, shutdown: AbortSignal | undefined): Promise<Request | null> {
  if (request.method === "GET" || request.method === "HEAD") {
    return shutdown ? new Request(request, { signal: AbortSignal.any([request.signal, shutdown]) }) : request;
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && !request.headers.has("transfer-encoding")) {
    const length = Number(declared);
    return Number.isSafeInteger(length) && length >= 0 && length <= httpLimits.maxBodyBytes ? request : null;
  }
  const body = await boundedBody(request, httpLimits.maxBodyBytes);
  return body ? new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal }) : null;
}

/** The URL of a GET of the agents' command stream (served by command-stream.ts, not tRPC's SSE producer); null for any other request. */
function commandStreamUrl(request: Request, endpoint: string): URL | null {
  // The cheap test first: every heartbeat passes here.
  if (request.method !== "GET" || !request.url.includes(commandStreamPath)) return null;
  const url = new URL(request.url);
  return url.pathname === `${endpoint}/${commandStreamPath}` ? url : null;
}

export async function handleTrpcRequest(services: Services, request: Request, options: TrpcRequestOptions = {}): Promise<Response> {
  const endpoint = options.endpoint ?? "/api/trpc";
  const logServerError = (error: TRPCError, path: string | undefined, type: string) => {
    if (callerErrors.has(error.code)) return;
    services.logger.error({ err: error.cause ?? error, procedure: path ?? "(unknown)", type, code: error.code }, "tRPC call failed");
  };
  return served(services.logger, request, async () => {
    const streamUrl = commandStreamUrl(request, endpoint);
    if (streamUrl) {
      return serveCommandStream(services, request, streamUrl, { shutdown: options.shutdown, onError: (error) => logServerError(error, commandStreamPath, "subscription") });
    }
    const limited = await limitedRequest(request, options.shutdown);
    if (!limited) return tooLarge();
    return fetchRequestHandler({
      endpoint,
      req: limited,
      router: appRouter,
      maxBatchSize: httpLimits.maxBatchSize,
      createContext: ({ req }) => createContext(services, req.headers, options.afterResponse),
      onError: ({ error, path, type }) => logServerError(error, path, type),
    });
  });
}

/** better-auth's endpoints that are served (auth-http.ts); refused sign-ins are counted for the metrics. */
export async function handleAuthRequest(services: Services, request: Request): Promise<Response> {
  return served(services.logger, request, async () => {
    const response = await serveAllowedAuthRequest(services.auth, request);
    if (new URL(request.url).pathname.endsWith("/sign-in/email") && response.status >= 400 && response.status < 500) {
      services.metrics.signInFailed();
      services.logger.warn({ status: response.status }, "sign-in refused");
    }
    return response;
  });
}

async function served(logger: Logger, request: Request, serve: () => Promise<Response>): Promise<Response> {
  const requestId = requestIdFrom(request.headers);
  return withRequestId(requestId, async () => {
    const startedAt = performance.now();
    let response: Response;
    try {
      response = await serve();
    } catch (error) {
      logger.error({ err: error, method: request.method, path: new URL(request.url).pathname }, "request failed");
      throw error;
    }
    // Some responses (better-auth's redirects) carry immutable headers; copy them then.
    try {
      response.headers.set("x-request-id", requestId);
    } catch {
      response = new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
      response.headers.set("x-request-id", requestId);
    }
    // For an event stream this is when it opened, not when it ended.
    if (logger.isLevelEnabled("debug")) {
      logger.debug({ method: request.method, path: new URL(request.url).pathname, status: response.status, ms: Math.round(performance.now() - startedAt) }, "request");
    }
    return response;
  });
}
