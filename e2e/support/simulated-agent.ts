// Simulated agents for the dispatch bench and the multi-instance queue test: the real agent's tRPC
// client (SSE for the command stream, plain HTTP for calls), without anything that runs commands,
// plus an admin client that signs in with the browser's session cookie.
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, type TRPCClient } from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "@cachefleet/api";
import { createHash, randomBytes } from "node:crypto";
import { enrollMachine, insertMachines, type Db } from "@cachefleet/db";

export type ApiClient = TRPCClient<AppRouter>;

function trpcUrl(server: string): string {
  return new URL("/api/trpc", server).toString();
}

/**
 * The same links as apps/agent/src/server.ts (an app, so not importable from here). The
 * `eventsource` package reads the stream through the global fetch, whose undici pool has no
 * per-origin connection limit, so a thousand streams to one dashboard need no tuning.
 */
export function createAgentClient(server: string, token: string): ApiClient {
  const authorization = { authorization: `Bearer ${token}` };
  const url = trpcUrl(server);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...authorization } }),
          }),
        }),
        false: httpLink({ url, headers: () => authorization }),
      }),
    ],
  });
}

/** What the browser sends after signing in: the session cookie. */
/** A browser-like client of a signed-in admin; `cookie` comes from stack.ts's signInCookie. */
export function createAdminClient(server: string, cookie: string): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: trpcUrl(server), headers: () => ({ cookie }) })],
  });
}

export interface EnrolledMachine {
  machineId: string;
  token: string;
}

/** Enrolls straight through the database: the HTTP enrollment path is not what is measured. */
export async function enrollMachines(db: Db, secret: string, count: number): Promise<EnrolledMachine[]> {
  const machines: EnrolledMachine[] = [];
  // A few at a time keeps PostgreSQL's pool busy without queueing a thousand queries at once.
  const concurrency = 16;
  for (let start = 0; start < count; start += concurrency) {
    const indexes = Array.from({ length: Math.min(concurrency, count - start) }, (_, offset) => start + offset);
    machines.push(
      ...(await Promise.all(
        indexes.map((index) =>
          enrollMachine(db, secret, {
            hostname: `sim-${String(index).padStart(5, "0")}`,
            username: "sim",
            platform: "darwin",
            osRelease: "24.0.0",
            arch: "arm64",
          }),
        ),
      )),
    );
  }
  return machines;
}

/**
 * Enrolled machines for a large bench, written in multi-row statements (10,000 enrollments one at
 * a time take minutes). Each gets a random token stored as its SHA-256, as enrollment stores it;
 * the agents then authenticate through the dashboard's real token check.
 */
export async function seedEnrolledMachines(db: Db, count: number): Promise<EnrolledMachine[]> {
  const now = new Date();
  const machines = Array.from({ length: count }, (_, index) => ({
    machineId: `sim-${String(index).padStart(5, "0")}-${randomBytes(4).toString("hex")}`,
    token: randomBytes(32).toString("base64url"),
    hostname: `sim-${String(index).padStart(5, "0")}`,
  }));
  await insertMachines(
    db,
    machines.map((machine) => ({
      id: machine.machineId,
      tokenHash: createHash("sha256").update(machine.token).digest("hex"),
      enrolledAt: now,
      hostname: machine.hostname,
      username: "sim",
      platform: "darwin",
      osRelease: "24.0.0",
      arch: "arm64",
      lastSeenAt: null,
      macosVersion: null,
      rosetta: null,
      keychainKey: null,
      goVersion: null,
      goVersions: "",
      gocache: null,
      cacheEntries: null,
      cacheBytes: null,
      cacheVerdict: null,
      health: null,
      findingsCount: 0,
      findingRules: "",
      latestReportId: null,
    })),
  );
  return machines.map(({ machineId, token }) => ({ machineId, token }));
}

export interface CommandStreamHandlers {
  /** `receivedAt` is performance.now() taken first thing when the command arrives. */
  onCommand(commandId: string, receivedAt: number): void;
  /** Given: the stream asks for no-op probes too (the bench's reference), and hears of each here. */
  onProbe?(probeId: string, receivedAt: number): void;
  onError(error: unknown): void;
  /** Given: told why the stream dropped each time it reconnects after it had started. */
  onReconnect?(reason: string): void;
}

export interface CommandStream {
  /** Resolves when the server has opened the stream (tRPC's onStarted). */
  started: Promise<void>;
  /** How often the stream dropped and reconnected after it had started. */
  reconnects(): number;
  close(): void;
}

export function openCommandStream(client: ApiClient, handlers: CommandStreamHandlers): CommandStream {
  let markStarted: () => void = () => undefined;
  let failStart: (error: unknown) => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    failStart = reject;
  });
  let isStarted = false;
  let reconnects = 0;
  let connectionsOfThisSubscription = 0;
  let closed = false;
  const onProbe = handlers.onProbe;
  const subscribe = () =>
    client.agent.commands.subscribe(onProbe ? { probes: true } : undefined, {
      onStarted: () => {
        isStarted = true;
        markStarted();
      },
      onData: ({ id, data }) => {
        const receivedAt = performance.now();
        if ("probe" in data) onProbe?.(data.probe, receivedAt);
        else handlers.onCommand(id, receivedAt);
      },
      onConnectionStateChange: (state) => {
        if (state.state !== "connecting") return;
        if (isStarted && state.error) {
          reconnects += 1;
          handlers.onReconnect?.(state.error.message);
        }
        connectionsOfThisSubscription += 1;
        if (connectionsOfThisSubscription >= connectionsPerSubscription) setImmediate(renew);
      },
      onError: (error) => {
        if (!isStarted) failStart(error);
        handlers.onError(error);
      },
    });
  let subscription = subscribe();
  // As the agent does (apps/agent/src/daemon.ts): tRPC's SSE client adds an abort listener to the
  // subscription's signal at every reconnect and never removes it, so a subscription that
  // reconnects often (a loaded machine misses pings) is replaced by a fresh one.
  function renew(): void {
    if (closed || connectionsOfThisSubscription < connectionsPerSubscription) return;
    connectionsOfThisSubscription = 0;
    subscription.unsubscribe();
    subscription = subscribe();
  }
  return {
    started,
    reconnects: () => reconnects,
    close: () => {
      closed = true;
      subscription.unsubscribe();
    },
  };
}

const connectionsPerSubscription = 8;

/** Resolves once `done()` holds, checking every few milliseconds; false when `timeoutMs` passed first. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}
