// A stand-in dashboard for the agent's fault tests: a real local HTTP server speaking the tRPC wire
// format (calls over HTTP, the command stream over SSE) under the agent procedures' names, but
// checking nothing and sending whatever a test queues — as a compromised or impersonated server
// would. Like the real one, it applies a claim, progress or result message once per message id and
// answers a resend with the first answer. It records every message it applied (and every delivery,
// resends included), can be stopped and started again on the same port to play an outage, and can
// apply a call and then drop its answer (the connection closes before the answer is written).
import { createHash } from "node:crypto";
import { EventEmitter, on } from "node:events";
import http from "node:http";
import { initTRPC, tracked, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { canonicalJson } from "@cachefleet/contract/digest";

const t = initTRPC.create({ sse: { ping: { enabled: true, intervalMs: 1000 } } });
const anything = (value: unknown): unknown => value;

/** reportDigest's rule over whatever arrived (this server checks nothing, so it need not be a report). */
function digestOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function idOf(value: unknown): string | null {
  return typeof value === "object" && value !== null && "id" in value && typeof value.id === "string" ? value.id : null;
}

export function fieldOf(value: unknown, field: string): unknown {
  return typeof value === "object" && value !== null ? new Map(Object.entries(value)).get(field) : undefined;
}

export class FakeDashboard {
  /** Commands to deliver, exactly as queued (the stream and the poll both serve them). */
  readonly commands: unknown[] = [];
  readonly claims: string[] = [];
  readonly progress: unknown[] = [];
  readonly results: unknown[] = [];
  readonly reports: unknown[] = [];
  /** Whether an admin asked to cancel (answered to every progress call). */
  readonly heartbeats: unknown[] = [];
  cancelRequested = false;
  /** Progress calls answered 400, as a dashboard answers a message it will never take. */
  refuseProgress = false;
  /** How many more answers of each procedure to drop after applying the call. */
  readonly dropAnswers = new Map<"claim" | "progress" | "result", number>();
  /** Every message id delivered, resends included, in order of arrival. */
  readonly deliveries: string[] = [];
  readonly #answers = new Map<string, unknown>();
  readonly #claimed = new Set<string>();
  readonly #finished = new Set<string>();
  readonly #pushed = new EventEmitter();
  #server: http.Server | null = null;
  #port = 0;

  readonly router = t.router({
    agent: t.router({
      report: t.procedure.input(anything).mutation(({ input }) => {
        this.reports.push(input);
        // The digest as the real dashboard computes it, over the report as received.
        return { stored: true, health: "healthy", findings: [], digest: digestOf(input) };
      }),
      heartbeat: t.procedure.input(anything).mutation(({ input }) => {
        this.heartbeats.push(input);
        return { sendFullReport: false };
      }),
      pendingCommands: t.procedure.query(() => this.commands.filter((command) => !this.#claimed.has(idOf(command) ?? ""))),
      commands: t.procedure.input(anything).subscription(
        async function* (this: FakeDashboard, { signal }: { signal: AbortSignal | undefined }) {
          const sent = new Set<unknown>();
          for (;;) {
            for (const [index, command] of this.commands.entries()) {
              if (sent.has(command)) continue;
              sent.add(command);
              // Tracked like the real stream's events, so the agent gets { id, data }.
              yield tracked(idOf(command) ?? `event-${index}`, command);
            }
            // Wait for the next push (or the end of the stream).
            for await (const _ of on(this.#pushed, "push", { signal })) break;
          }
        }.bind(this),
      ),
      claim: t.procedure.input(anything).mutation(({ input }) =>
        this.#once(input, () => {
          const commandId = String(fieldOf(input, "commandId"));
          this.claims.push(commandId);
          const command = this.commands.find((candidate) => idOf(candidate) === commandId);
          const claimed = command !== undefined && !this.#claimed.has(commandId);
          if (claimed) this.#claimed.add(commandId);
          return { claimed, command: claimed ? command : null };
        }),
      ),
      progress: t.procedure.input(anything).mutation(({ input }) => {
        if (this.refuseProgress) throw new TRPCError({ code: "BAD_REQUEST", message: "not a progress this dashboard takes" });
        return this.#once(input, () => {
          this.progress.push(input);
          return { cancelRequested: this.cancelRequested };
        });
      }),
      result: t.procedure.input(anything).mutation(({ input }) =>
        this.#once(input, () => {
          this.results.push(input);
          const commandId = String(fieldOf(input, "commandId"));
          const recorded = this.#claimed.has(commandId) && !this.#finished.has(commandId);
          this.#finished.add(commandId);
          return { recorded };
        }),
      ),
    }),
  });

  /** Applies a message the first time its id arrives; every later copy gets the first answer. */
  #once(input: unknown, apply: () => unknown): unknown {
    const messageId = String(fieldOf(input, "messageId"));
    this.deliveries.push(messageId);
    if (!this.#answers.has(messageId)) this.#answers.set(messageId, apply());
    return this.#answers.get(messageId);
  }

  /** Whether to drop the answer to this request (the call is still applied). */
  #dropsAnswerTo(url: string | undefined): boolean {
    const procedure = /\/agent\.(claim|progress|result)(?:\?|$)/.exec(url ?? "")?.[1] as "claim" | "progress" | "result" | undefined;
    const left = procedure ? (this.dropAnswers.get(procedure) ?? 0) : 0;
    if (!procedure || left === 0) return false;
    this.dropAnswers.set(procedure, left - 1);
    return true;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens (again) on the same port once it has one. */
  async start(): Promise<this> {
    if (this.#server) return this;
    const handler = createHTTPHandler({ router: this.router, basePath: "/api/trpc/" });
    const server = http.createServer((request, response) => {
      if (this.#dropsAnswerTo(request.url)) {
        // The call runs to the end; its answer never leaves: the connection is cut instead.
        response.writeHead = () => response;
        response.write = () => true;
        response.end = () => {
          request.socket.destroy();
          return response;
        };
      }
      void handler(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (typeof address === "object" && address) this.#port = address.port;
    this.#server = server;
    return this;
  }

  /** Stops listening and drops every open connection, the command stream included. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  push(command: unknown): void {
    this.commands.push(command);
    this.#pushed.emit("push");
  }

  resultsOf(commandId: string): unknown[] {
    return this.results.filter((result) => fieldOf(result, "commandId") === commandId);
  }

  progressOf(commandId: string): unknown[] {
    return this.progress.filter((entry) => fieldOf(entry, "commandId") === commandId);
  }
}
