// The agent's tRPC client: plain HTTP for calls, SSE for the command subscription. Node 20 has no
// global EventSource, so the `eventsource` package is passed in; its fetch adds the bearer token.
// Both go through httpFetch (node:http), not Node's fetch, which would keep undici resident
// (http-fetch.ts says how much). Also the checks of what the server sends: answers and delivered
// commands.
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, type TRPCClient } from "@trpc/client";
import { EventSource } from "eventsource";
import { z } from "zod";
import type { AppRouter } from "@cachefleet/api";
import { DeliveredCommand, ProgressAck, ReportDigest, ResultAck } from "@cachefleet/contract";
import { httpFetch } from "./http-fetch.js";
import type { OutboxTransport } from "./outbox.js";

export type ServerClient = TRPCClient<AppRouter>;

export function trpcUrl(server: string): string {
  return new URL("/api/trpc", server).toString();
}

export function createServerClient(server: string, token: string | null): ServerClient {
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const url = trpcUrl(server);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => httpFetch(input, { ...init, headers: { ...init.headers, ...authorization } }),
          }),
        }),
        false: httpLink({ url, headers: () => authorization, fetch: linkFetch }),
      }),
    ],
  });
}

type LinkFetch = NonNullable<Parameters<typeof httpLink>[0]["fetch"]>;

/** tRPC's link calls fetch with a plain header object and a JSON string body; nothing else is sent. */
const linkFetch: LinkFetch = async (input, init) => {
  const body = init?.body ?? null;
  const headers = init?.headers;
  if (body !== null && typeof body !== "string") throw new TypeError("The agent sends only JSON text bodies.");
  if (headers !== undefined && (typeof headers !== "object" || Symbol.iterator in headers)) throw new TypeError("The agent sends only plain header objects.");
  const url = typeof input === "string" || input instanceof URL ? input : input.url;
  const answer = await httpFetch(url, { method: init?.method, headers: headers as Record<string, string> | undefined, body, signal: init?.signal ?? null });
  // The link reads the answer whole, as JSON.
  return { ok: answer.ok, status: answer.status, json: () => answer.json() };
};

/** The claimed command is checked on its own (checkDeliveredCommand), as a streamed one is. */
const ClaimAnswer = z.object({ claimed: z.boolean(), command: z.unknown() });
const ReportAnswer = z.object({ health: z.string().max(64), digest: ReportDigest });

/**
 * The calls the outbox makes, with every answer checked against the contract: the agent trusts
 * what the server says no more than the server trusts the agent (a tRPC client checks nothing).
 */
export function agentCalls(client: ServerClient): OutboxTransport {
  return {
    claim: async (claim, signal) => ClaimAnswer.parse(await client.agent.claim.mutate(claim, { signal })),
    progress: async (progress, signal) => ProgressAck.parse(await client.agent.progress.mutate(progress, { signal })),
    result: async (result, signal) => ResultAck.parse(await client.agent.result.mutate(result, { signal })),
    report: async (report, signal) => ReportAnswer.parse(await client.agent.report.mutate(report, { signal })),
  };
}

/** A delivered command, or why it is refused; `id` is null when not even the id is usable. */
export type CommandCheck = { ok: true; command: DeliveredCommand } | { ok: false; id: string | null; reason: string };

const CommandId = z.object({ id: DeliveredCommand.shape.id });

/** Checks a command as the server sent it against the contract, before anything acts on it. */
export function checkDeliveredCommand(sent: unknown): CommandCheck {
  const parsed = DeliveredCommand.safeParse(sent);
  if (parsed.success) return { ok: true, command: parsed.data };
  const id = CommandId.safeParse(sent);
  const reason = `Refused by the agent: the command is outside the contract it accepts, so nothing was run (${z.prettifyError(parsed.error).replaceAll("\n", " ").slice(0, 2000)}).`;
  return { ok: false, id: id.success ? id.data.id : null, reason };
}
