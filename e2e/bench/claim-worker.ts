// The dispatch bench's simulated agents claim from this worker thread: each real agent claims from
// its own Mac, but in the bench's one process, a thousand claims' HTTP work (each agent's first
// request on a new connection) held up the reading of later agents' events and so inflated their
// measured delivery. The main thread times each event as it arrives and hands the claim over here.
import { randomUUID } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { TRPCClientError } from "@trpc/client";
import { createAgentClient, type ApiClient } from "../support/simulated-agent.js";
import { describeError } from "./errors.js";

export interface ClaimRequest {
  commandId: string;
  token: string;
}

export type ClaimAnswer = { commandId: string; retries: number; retryReasons: string[] } & ({ ok: true } | { ok: false; reason: string });

const { url } = workerData as { url: string };
const port = parentPort;
if (!port) throw new Error("claim-worker runs as a worker thread");
const clients = new Map<string, ApiClient>();
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

port.on("message", ({ commandId, token }: ClaimRequest) => {
  let client = clients.get(token);
  if (!client) clients.set(token, (client = createAgentClient(url, token)));
  void claimAsTheAgentDoes(client, commandId).then((answer) => port.postMessage(answer));
});

/**
 * Claims as the agent's outbox does (apps/agent/src/outbox.ts): one message id kept across
 * retries, a network failure or a 5xx retried after 1 s doubling up to 60 s with equal jitter, a
 * refusal not retried. A claim still failing after six retries (about two minutes) fails.
 */
async function claimAsTheAgentDoes(client: ApiClient, commandId: string): Promise<ClaimAnswer> {
  const messageId = randomUUID();
  const retryReasons = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    try {
      const { claimed } = await client.agent.claim.mutate({ messageId, commandId });
      return claimed ? { commandId, ok: true, retries: attempt, retryReasons: [...retryReasons] } : { commandId, ok: false, reason: "not claimed", retries: attempt, retryReasons: [...retryReasons] };
    } catch (error) {
      const reason = lastLine(error);
      const status = error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;
      const retriable = status === undefined || status >= 500 || status === 408 || status === 429;
      if (!retriable || attempt >= 6) return { commandId, ok: false, reason, retries: attempt, retryReasons: [...retryReasons] };
      retryReasons.add(reason);
      const ceiling = Math.min(60_000, 1000 * 2 ** attempt);
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}

function lastLine(error: unknown): string {
  return describeError(error).trim().split("\n").at(-1) ?? "";
}
