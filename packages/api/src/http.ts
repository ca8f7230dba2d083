// The tRPC endpoint's front door, for browsers and agents alike: the limits every request meets
// before any procedure runs (body size, batch size), and the process-wide shutdown signal that
// ends open subscription streams so the server can stop. The Next route only hands requests here.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TRPCError } from "@trpc/server";
import { wireLimits } from "@cachefleet/contract";
import { appRouter } from "./root.js";
import { createContext, type Services } from "./trpc.js";

export const httpLimits = wireLimits;

export interface TrpcRequestOptions {
  /** Aborted when the process is stopping: ends every open stream of this request. */
  shutdown?: AbortSignal;
  /** Called for errors that are the server's fault (not a caller's mistake). */
  onServerError?: (error: TRPCError, path: string | undefined) => void;
}

/** Errors that answer a caller's mistake; anything else is the server's fault. */
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

export async function handleTrpcRequest(services: Services, request: Request, options: TrpcRequestOptions = {}): Promise<Response> {
  const signal = options.shutdown ? AbortSignal.any([request.signal, options.shutdown]) : request.signal;
  let limited: Request;
  if (request.method === "GET" || request.method === "HEAD") {
    limited = new Request(request, { signal });
  } else {
    const body = await boundedBody(request, httpLimits.maxBodyBytes);
    if (!body) return tooLarge();
    limited = new Request(request.url, { method: request.method, headers: request.headers, body, signal });
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: limited,
    router: appRouter,
    maxBatchSize: httpLimits.maxBatchSize,
    createContext: ({ req }) => createContext(services, req.headers),
    onError: ({ error, path }) => {
      if (!callerErrors.has(error.code)) options.onServerError?.(error, path);
    },
  });
}
