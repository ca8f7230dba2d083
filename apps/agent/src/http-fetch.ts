// The agent's HTTP client: the part of fetch that tRPC's links and the `eventsource` package use
// (method, headers, a string body and an abort signal; status, one header, json(), text() and a
// body to read chunk by chunk), over node:http and node:https.
//
// Why not Node's fetch: its first call loads undici — an HTTP parser compiled from WebAssembly,
// Headers, Request, Response — and all of it stays resident for the life of the process. Measured
// on Node 20 (Linux, the daemon's flags), twenty calls to a local server leave a bare process at
// 66.5 MB resident through fetch and 46.3 MB through node:http. An idle agent only heartbeats and
// holds one command stream, so the smaller client is a fifth of its footprint. Nothing here may
// touch the globals Headers, Request, Response or fetch: reading any of them loads undici too
// (http-fetch.test.ts checks that an agent's calls and stream never do).
import http from "node:http";
import https from "node:https";

export interface HttpFetchInit {
  method?: string;
  /** Plain header fields; tRPC and eventsource both pass an object. */
  headers?: Record<string, string | undefined> | [string, string][];
  body?: string | null;
  signal?: AbortSignal | null;
  /** Redirects are followed for GET only (the command stream); a POST answer is returned as is. */
  redirect?: string;
}

export interface HttpFetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly redirected: boolean;
  readonly headers: { get(name: string): string | null };
  /** Read chunk by chunk (the command stream), or whole through json()/text(); not both. */
  readonly body: { getReader(): BodyReader };
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export interface BodyReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
  releaseLock(): void;
}

const maxRedirects = 5;

/** fetch's shape over node:http(s); rejects with an AbortError when the signal fires. */
export async function httpFetch(input: string | URL | { url: string }, init: HttpFetchInit = {}): Promise<HttpFetchResponse> {
  let url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const method = (init.method ?? "GET").toUpperCase();
  for (let hop = 0; ; hop++) {
    const message = await send(url, method, init);
    const location = message.headers.location;
    if (method === "GET" && init.redirect !== "manual" && isRedirect(message.statusCode) && location && hop < maxRedirects) {
      message.resume();
      url = new URL(location, url);
      continue;
    }
    return toResponse(message, url, hop > 0, init.signal ?? null);
  }
}

function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function headerRecord(headers: HttpFetchInit["headers"]): Record<string, string> {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers ?? {});
  const record: Record<string, string> = {};
  for (const [name, value] of entries) if (value !== undefined) record[name.toLowerCase()] = value;
  return record;
}

function abortError(signal: AbortSignal): Error {
  if (signal.reason instanceof Error && signal.reason.name === "AbortError") return signal.reason;
  const error = new Error("The request was aborted.", { cause: signal.reason });
  error.name = "AbortError";
  return error;
}

function send(url: URL, method: string, init: HttpFetchInit): Promise<http.IncomingMessage> {
  const signal = init.signal ?? null;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
  if (!client) return Promise.reject(new TypeError(`Only http and https URLs can be fetched, not ${url.protocol}`));
  const headers = headerRecord(init.headers);
  const body = init.body ?? null;
  if (body !== null) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method, headers });
    const onAbort = () => request.destroy(abortError(signal as AbortSignal));
    signal?.addEventListener("abort", onAbort, { once: true });
    request.once("response", (message) => {
      // From here on the body's reader answers for the signal.
      signal?.removeEventListener("abort", onAbort);
      resolve(message);
    });
    request.once("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
    request.end(body ?? undefined);
  });
}

function toResponse(message: http.IncomingMessage, url: URL, redirected: boolean, signal: AbortSignal | null): HttpFetchResponse {
  const status = message.statusCode ?? 0;
  const reader = bodyReader(message, signal);
  const whole = async (): Promise<Buffer> => {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const next = await reader.read();
      if (next.done) return Buffer.concat(chunks);
      chunks.push(next.value);
    }
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: message.statusMessage ?? "",
    url: url.toString(),
    redirected,
    headers: {
      get(name: string) {
        const value = message.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    body: { getReader: () => reader },
    json: async () => JSON.parse((await whole()).toString("utf8")) as unknown,
    text: async () => (await whole()).toString("utf8"),
  };
}

/**
 * A pull reader over the response: one chunk per read, the socket paused in between, so a slow
 * reader holds no more than a chunk. An abort (or cancel) destroys the response; a pending read
 * then rejects with an AbortError, which is how eventsource and tRPC learn of it.
 */
function bodyReader(message: http.IncomingMessage, signal: AbortSignal | null): BodyReader {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let failure: Error | null = null;
  let waiting: (() => void) | null = null;
  const wake = () => {
    const resume = waiting;
    waiting = null;
    resume?.();
  };
  message.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    message.pause();
    wake();
  });
  message.once("end", () => {
    ended = true;
    wake();
  });
  message.once("error", (error) => {
    failure ??= error;
    wake();
  });
  message.once("close", () => {
    // A connection cut before the end is an error for the reader, as fetch reports it.
    if (!ended) failure ??= new Error("The connection closed before the response ended.");
    signal?.removeEventListener("abort", onAbort);
    wake();
  });
  const onAbort = () => {
    failure = abortError(signal as AbortSignal);
    message.destroy();
    wake();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  return {
    async read() {
      for (;;) {
        const chunk = chunks.shift();
        if (chunk) {
          if (chunks.length === 0 && !ended) message.resume();
          return { done: false, value: chunk };
        }
        if (failure) throw failure;
        if (ended) return { done: true };
        message.resume();
        await new Promise<void>((resolve) => (waiting = resolve));
      }
    },
    async cancel() {
      failure ??= abortError(AbortSignal.abort());
      message.destroy();
      wake();
    },
    releaseLock() {},
  };
}
