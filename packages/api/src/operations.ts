// The operator's HTTP endpoints, as plain fetch handlers the dashboard's routes hand requests to:
// liveness, readiness (the database answers with every migration applied) and the Prometheus
// scrape. None of them needs a session, and none says anything secret.
import { createHash, timingSafeEqual } from "node:crypto";
import { databaseReadiness, type Readiness } from "@cachefleet/db";
import type { Services } from "./trpc.js";

const noStore = { "cache-control": "no-store" };

/** Liveness: the process answers. Touches nothing else, so a slow database never restarts it. */
export function healthResponse(): Response {
  return Response.json({ status: "ok" }, { headers: noStore });
}

/**
 * A readiness check that hangs is as bad as one that fails (a load balancer waits on it), so a
 * database that has not answered within this long counts as down.
 */
export const readinessTimeoutMs = 5_000;

/** Readiness: 200 when this instance can serve, else 503 with the reason. */
export async function readyResponse(services: Pick<Services, "db" | "logger">): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `the database did not answer within ${readinessTimeoutMs / 1000} s` }), readinessTimeoutMs);
  });
  const readiness = await Promise.race([databaseReadiness(services.db), timedOut]).finally(() => clearTimeout(timer));
  if (readiness.ready) return Response.json({ status: "ready" }, { headers: noStore });
  services.logger.warn({ reason: readiness.reason }, "not ready");
  return Response.json({ status: "not ready", reason: readiness.reason }, { status: 503, headers: noStore });
}

/**
 * The Prometheus scrape. Off (404, as if the route did not exist) unless a token is configured;
 * then only a request bearing that token gets the metrics. The comparison runs over digests of
 * equal length, in constant time, so the answer's timing says nothing about the token.
 */
export async function metricsResponse(services: Pick<Services, "metrics">, request: Request, token: string | undefined): Promise<Response> {
  if (!token) return new Response("Not found\n", { status: 404, headers: noStore });
  const authorization = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1] || !sameSecret(match[1], token)) {
    return new Response("Unauthorized\n", { status: 401, headers: { ...noStore, "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const { contentType, text } = await services.metrics.exposition();
  return new Response(text, { headers: { ...noStore, "content-type": contentType } });
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
