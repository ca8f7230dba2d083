// The agents' command streams over HTTP: GET /api/trpc/agent.commands, answered as server-sent
// events in tRPC's own SSE wire format, so the agent's tRPC client (httpSubscriptionLink) reads it
// unchanged: a `connected` event carrying the client's options, then `id:`/`data:` per event,
// `ping` events while idle, and a `serialized-error` event carrying the procedure's error shape
// when the stream is refused or ends in an error (a revoked machine). A stream that ends for its
// time limit or the process stopping simply closes, and the client reconnects with its last id.
//
// Why not tRPC's own producer: a push to every machine sends one event down every open stream at
// once, and tRPC's generic producer passes each event through five nested async generators (one
// racing a fresh ping timer per event), a TransformStream that writes it as three separate
// chunks, a TextEncoderStream and one more stream around those; every chunk then became its own
// socket write. Here an event is one encoded chunk, written once. The events themselves are the
// subscription's (command-events.ts), and the agent procedure's checks are made the same way
// (the agent token, the input schema), so only the writing differs.
import { TRPCError } from "@trpc/server";
import { getErrorShape, getTRPCErrorFromUnknown } from "@trpc/server/unstable-core-do-not-import";
import { bearerToken } from "./api-token-auth.js";
import { commandEvents, CommandStreamInput, type CommandEvent } from "./command-events.js";
import { appRouter } from "./root.js";
import { streamSettings, unknownAgentToken, type Services } from "./trpc.js";

export const commandStreamPath = "agent.commands";

/** The response headers tRPC's SSE responses carry (proxies must neither buffer nor cache them). */
const eventStreamHeaders = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
} as const;

const encoder = new TextEncoder();
// Byte for byte as tRPC's producer writes them: fields in the order event, data, id, and an extra
// blank line after each (command-stream.test.ts compares the two).
const connectedEvent = encoder.encode(`event: connected\ndata: ${JSON.stringify({ reconnectAfterInactivityMs: streamSettings.reconnectAfterInactivityMs })}\n\n\n`);
const pingEvent = encoder.encode("event: ping\ndata: \n\n\n");

/** One event as the bytes the client reads. Ids are command ids or bench probe ids, never a line break. */
function encodeEvent(event: CommandEvent): Uint8Array {
  if (/[\0\r\n]/.test(event.id)) throw new Error("an event id must not contain a line break");
  return encoder.encode(`data: ${JSON.stringify(event.data)}\nid: ${event.id}\n\n\n`);
}

function errorEvent(error: TRPCError, input: unknown): Uint8Array {
  const shape = getErrorShape({ config: appRouter._def._config, error, type: "subscription", path: commandStreamPath, input, ctx: undefined });
  return encoder.encode(`event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n\n`);
}

/**
 * The input as tRPC reads a subscription's: JSON in the `input` query parameter, with the
 * reconnecting client's last event id (header or query) merged in.
 */
function streamInput(url: URL, headers: Headers): CommandStreamInput {
  const raw = url.searchParams.get("input");
  let input: unknown;
  try {
    input = raw === null ? undefined : JSON.parse(raw);
  } catch (cause) {
    throw new TRPCError({ code: "PARSE_ERROR", message: "The input is not JSON.", cause });
  }
  const lastEventId = headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? url.searchParams.get("Last-Event-Id");
  if (lastEventId) input = typeof input === "object" && input !== null ? { ...input, lastEventId } : (input ?? { lastEventId });
  const parsed = CommandStreamInput.safeParse(input);
  if (!parsed.success) throw new TRPCError({ code: "BAD_REQUEST", message: "The command stream's input is not valid.", cause: parsed.error });
  return parsed.data;
}

export interface CommandStreamOptions {
  /** Aborted when the process is stopping: ends the stream. */
  shutdown?: AbortSignal;
  /** Told of errors that end a stream, as tRPC's onError is. */
  onError: (error: TRPCError) => void;
}

/** Serves one agent's command stream; refusals (bad input, unknown token) arrive as its error event. */
export async function serveCommandStream(services: Services, request: Request, url: URL, options: CommandStreamOptions): Promise<Response> {
  let input: CommandStreamInput;
  let events: AsyncGenerator<CommandEvent, void>;
  const ended = new AbortController();
  try {
    input = streamInput(url, request.headers);
    const token = bearerToken(request.headers);
    const machine = token ? await services.agentTokens.machineFor(token) : null;
    if (!machine) throw new TRPCError({ code: "UNAUTHORIZED", message: unknownAgentToken });
    events = commandEvents({ ...services, machine }, input, ended.signal);
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    options.onError(error);
    return new Response(new Blob([connectedEvent, errorEvent(error, undefined)]), { headers: eventStreamHeaders });
  }

  const end = () => ended.abort();
  request.signal.addEventListener("abort", end, { once: true });
  options.shutdown?.addEventListener("abort", end, { once: true });
  const timeLimit = setTimeout(end, streamSettings.maxDurationMs);
  let pings: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(timeLimit);
    clearInterval(pings);
    request.signal.removeEventListener("abort", end);
    options.shutdown?.removeEventListener("abort", end);
  };
  if (request.signal.aborted || options.shutdown?.aborted) end();

  // Set once the client cancelled the body: the controller is closed then and takes nothing more.
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (bytes: Uint8Array) => {
        if (!ended.signal.aborted) controller.enqueue(bytes);
      };
      write(connectedEvent);
      pings = setInterval(() => write(pingEvent), streamSettings.pingIntervalMs);
      void (async () => {
        try {
          for await (const event of events) write(encodeEvent(event));
        } catch (cause) {
          if (!ended.signal.aborted) {
            const error = getTRPCErrorFromUnknown(cause);
            options.onError(error);
            write(errorEvent(error, input));
          }
        } finally {
          release();
          ended.abort();
          if (!cancelled) controller.close();
        }
      })();
    },
    cancel() {
      // The client went away: ending the events closes the mailbox and the watcher's interest.
      cancelled = true;
      ended.abort();
    },
  });
  return new Response(body, { headers: eventStreamHeaders });
}
