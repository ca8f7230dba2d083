// A stand-in dashboard for the agent's fault tests: a real local HTTP server speaking the tRPC wire
// format (calls over HTTP, the command stream over SSE) under the agent procedures' names, but
// checking nothing and sending whatever a test queues — as a compromised or impersonated server
// would. It records every call, and can be stopped and started again on the same port to play an
// outage.
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
      claim: t.procedure.input(anything).mutation(({ input }) => {
        const commandId = String(fieldOf(input, "commandId"));
        this.claims.push(commandId);
        const known = this.commands.some((command) => idOf(command) === commandId);
        const claimed = known && !this.#claimed.has(commandId);
        if (claimed) this.#claimed.add(commandId);
        return { claimed };
      }),
      progress: t.procedure.input(anything).mutation(({ input }) => {
        if (this.refuseProgress) throw new TRPCError({ code: "BAD_REQUEST", message: "not a progress this dashboard takes" });
        this.progress.push(input);
        return { cancelRequested: this.cancelRequested };
      }),
      result: t.procedure.input(anything).mutation(({ input }) => {
        this.results.push(input);
        const commandId = String(fieldOf(input, "commandId"));
        const recorded = this.#claimed.has(commandId) && !this.#finished.has(commandId);
        this.#finished.add(commandId);
        return { recorded };
      }),
    }),
  });

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens (again) on the same port once it has one. */
  async start(): Promise<this> {
    if (this.#server) return this;
    const handler = createHTTPHandler({ router: this.router, basePath: "/api/trpc/" });
    const server = http.createServer((request, response) => void handler(request, response));
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
