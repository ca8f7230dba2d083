// The agents' command stream over real HTTP (command-stream.ts), read by tRPC's own client
// (httpSubscriptionLink with the `eventsource` package, as the agent reads it) and compared byte
// for byte with what tRPC's SSE producer writes for the same procedure, on real databases.
import { createTRPCClient, httpSubscriptionLink, TRPCClientError } from "@trpc/client";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { EventSource } from "eventsource";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { revokeMachine } from "@cachefleet/db";
import { createTestDatabase, testedProviders, type TestDatabase } from "@cachefleet/db/test-support";
import { handleTrpcRequest } from "./http.js";
import { appRouter, createCaller, type AppRouter } from "./root.js";
import { signedIn, type SignedIn } from "./test-support/signed-in.js";
import { serveStreamingEndpoint } from "./test-support/streaming-endpoint.js";
import type { HttpEndpoint } from "./test-support/http-endpoint.js";
import { createContext, streamSettings, unknownAgentToken } from "./trpc.js";

const providers = await testedProviders();
const machine = { hostname: "mac-stream", username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" };

type Event = { id: string | undefined; data: unknown };

/** A command stream held open by tRPC's client, recording what it hears. */
function subscribe(origin: string, token: string) {
  const client = createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${origin}/api/trpc`,
        EventSource,
        eventSourceOptions: () => ({ fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }) }),
      }),
    ],
  });
  const events: Event[] = [];
  const errors: unknown[] = [];
  let started = false;
  const subscription = client.agent.commands.subscribe(undefined, {
    onStarted: () => (started = true),
    onData: (envelope) => events.push({ id: envelope.id, data: envelope.data }),
    onError: (error) => errors.push(error),
  });
  return { events, errors, started: () => started, close: () => subscription.unsubscribe() };
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The whole text of a stream body up to and including `marker`, reading chunk by chunk. */
async function readUntil(body: ReadableStream<Uint8Array>, marker: string): Promise<{ text: string; chunks: string[] }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  while (!chunks.join("").includes(marker)) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(decoder.decode(value));
  }
  await reader.cancel();
  return { text: chunks.join(""), chunks };
}

describe.each(providers)("the agents' command stream over HTTP on %s", (provider) => {
  let database: TestDatabase;
  let accounts: SignedIn;
  let endpoint: HttpEndpoint;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    accounts = await signedIn(database.db);
    endpoint = await serveStreamingEndpoint(accounts.services);
  });
  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });
  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });

  const enroll = (hostname: string) => createCaller(accounts.anonymous()).agent.enroll({ secret: accounts.enrollmentSecret, machine: { ...machine, hostname } });
  const admin = () => createCaller(accounts.admin).commands;

  it("hands tRPC's client the pending command at once and a pushed one as it is queued, each once, with its id", async () => {
    const { machineId, token } = await enroll("mac-a");
    const [pending] = (await admin().push({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "rescan", options: {} } })).commandIds;
    const stream = subscribe(endpoint.origin, token);
    open.push(stream);
    await until(() => stream.events.length === 1, "the pending command arrives");
    expect(stream.events[0]).toMatchObject({ id: pending, data: { id: pending, spec: { kind: "rescan" } } });

    const [pushed] = (await admin().push({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "rescan", options: {} } })).commandIds;
    await until(() => stream.events.length === 2, "the pushed command arrives");
    expect(stream.events[1]).toMatchObject({ id: pushed, data: { id: pushed } });
    expect(stream.errors).toEqual([]);
  });

  it("refuses an unknown token with the agent procedures' UNAUTHORIZED error, and a bad input with BAD_REQUEST", async () => {
    const stream = subscribe(endpoint.origin, "no-such-token");
    open.push(stream);
    await until(() => stream.errors.length === 1, "the refusal arrives");
    const [error] = stream.errors;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error).toMatchObject({ message: unknownAgentToken, data: { code: "UNAUTHORIZED", httpStatus: 401, path: "agent.commands" } });
    expect(stream.events).toEqual([]);

    const { token } = await enroll("mac-bad-input");
    for (const input of ['{"probes":"yes"}', "not json"]) {
      const response = await fetch(`${endpoint.origin}/api/trpc/agent.commands?input=${encodeURIComponent(input)}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await response.text();
      expect(text).toMatch(/^event: connected\n/);
      expect(text).toContain("event: serialized-error\n");
      expect(text).toMatch(input === "not json" ? /"code":"PARSE_ERROR"/ : /"code":"BAD_REQUEST"/);
    }
  });

  it("ends the stream of a machine revoked while it is open with UNAUTHORIZED", async () => {
    const { machineId, token } = await enroll("mac-revoked");
    const stream = subscribe(endpoint.origin, token);
    open.push(stream);
    await until(stream.started, "the stream opens");
    await revokeMachine(database.db, machineId, "admin@example.com");
    // Revoking through the API wakes the streams; here the database changed behind its back.
    accounts.services.notifier.notify(machineId);
    await until(() => stream.errors.length === 1, "the stream ends");
    expect(stream.errors[0]).toMatchObject({ data: { code: "UNAUTHORIZED" }, message: "This machine was revoked; enroll again." });
  });

  it("writes what tRPC's own SSE producer writes for the same stream, each event as one chunk", async () => {
    const { machineId, token } = await enroll("mac-bytes");
    const [commandId] = (await admin().push({ target: { type: "machines", machineIds: [machineId] }, spec: { kind: "rescan", options: {} } })).commandIds;
    const request = () => new Request(`${endpoint.origin}/api/trpc/agent.commands?input=${encodeURIComponent("{}")}`, { headers: { authorization: `Bearer ${token}`, "last-event-id": "earlier" } });
    const ours = await handleTrpcRequest(accounts.services, request());
    const theirs = await fetchRequestHandler({ endpoint: "/api/trpc", req: request(), router: appRouter, createContext: ({ req }) => createContext(accounts.services, req.headers) });
    expect(ours.headers.get("content-type")).toBe(theirs.headers.get("content-type"));
    expect(ours.headers.get("cache-control")).toBe(theirs.headers.get("cache-control"));
    const marker = `id: ${commandId ?? ""}\n\n`;
    const [mine, tRPCs] = await Promise.all([readUntil(ours.body ?? new ReadableStream(), marker), readUntil(theirs.body ?? new ReadableStream(), marker)]);
    expect(mine.text).toBe(tRPCs.text);
    expect(mine.text).toContain(`"reconnectAfterInactivityMs":${streamSettings.reconnectAfterInactivityMs}`);
    expect(mine.chunks).toEqual([expect.stringMatching(/^event: connected\n/), expect.stringMatching(new RegExp(`^data: .*\\nid: ${commandId ?? ""}\\n\\n\\n$`))]);
  });
});
