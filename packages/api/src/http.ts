// The dashboard's HTTP entry points for tRPC and better-auth, as fetch handlers: each request gets
// a request id (the caller's X-Request-Id when sane, else a new one), echoed in the response and
// carried by every line logged while serving it. Only the path is logged, never the query string
// (tRPC puts a query's input there) nor a header.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { requestIdFrom, type Logger } from "./logger.js";
import { appRouter } from "./root.js";
import { createContext, type Services } from "./trpc.js";

/** Errors that answer a caller's mistake; anything else is the server's fault and is logged. */
const expectedErrors = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST", "TOO_MANY_REQUESTS", "PAYLOAD_TOO_LARGE"]);

export async function handleTrpcRequest(services: Services, request: Request, endpoint = "/api/trpc"): Promise<Response> {
  return served(services.logger, request, async (logger) =>
    fetchRequestHandler({
      endpoint,
      req: request,
      router: appRouter,
      createContext: ({ req }) => createContext({ ...services, logger }, req.headers),
      onError: ({ error, path, type }) => {
        if (expectedErrors.has(error.code)) return;
        logger.error({ err: error.cause ?? error, procedure: path ?? "(unknown)", type, code: error.code }, "tRPC call failed");
      },
    }),
  );
}

/** better-auth's endpoints; refused sign-ins are counted for the metrics. */
export async function handleAuthRequest(services: Services, request: Request): Promise<Response> {
  return served(services.logger, request, async (logger) => {
    const response = await services.auth.handler(request);
    if (new URL(request.url).pathname.endsWith("/sign-in/email") && response.status >= 400 && response.status < 500) {
      services.metrics.signInFailed();
      logger.warn({ status: response.status }, "sign-in refused");
    }
    return response;
  });
}

async function served(parent: Logger, request: Request, serve: (logger: Logger) => Promise<Response>): Promise<Response> {
  const requestId = requestIdFrom(request.headers);
  const logger = parent.child({ requestId });
  const startedAt = performance.now();
  const path = new URL(request.url).pathname;
  let response: Response;
  try {
    response = await serve(logger);
  } catch (error) {
    logger.error({ err: error, method: request.method, path }, "request failed");
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
  logger.debug({ method: request.method, path, status: response.status, ms: Math.round(performance.now() - startedAt) }, "request");
  return response;
}
