// What a webhook receiver gets, decided without I/O: the generic format's signed headers and body,
// and the Slack-compatible message for the same event.
import { createHmac, timingSafeEqual } from "node:crypto";
import { webhookHeaders, type WebhookFormat } from "@cachefleet/contract";

/** `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the webhook's signing secret. */
export function webhookSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", signingSecret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does: recompute and compare in constant time. Exported for tests and docs. */
export function verifyWebhookSignature(signingSecret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(webhookSignature(signingSecret, Number(timestamp), body));
  const actual = Buffer.from(signature);
  return /^\d+$/.test(timestamp) && expected.length === actual.length && timingSafeEqual(expected, actual);
}

function field(payload: Record<string, unknown>, ...path: string[]): string {
  let current: unknown = payload;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return "";
    current = Object.entries(current).find(([name]) => name === key)?.[1];
  }
  return typeof current === "string" || typeof current === "number" ? String(current) : "";
}

/** One line a person reads in a Slack channel. */
export function slackText(payload: Record<string, unknown>): string {
  const host = field(payload, "machine", "hostname") || "a machine";
  switch (field(payload, "event")) {
    case "machine.critical":
      return `:red_circle: ${host} turned critical (${field(payload, "rules") || "see the dashboard"}).`;
    case "command.failed":
      return `:x: ${field(payload, "command", "kind")} on ${host} ended ${field(payload, "command", "status")}${field(payload, "command", "error") ? `: ${field(payload, "command", "error")}` : "."}`;
    case "remediation.failed":
      return `:x: Automatic ${field(payload, "remediation", "kind")} on ${host} failed after ${field(payload, "remediation", "attempts")} tries; it will not be retried.`;
    case "machine.offline":
      return `:zzz: ${host} has been offline since ${field(payload, "lastSeenAt")}.`;
    case "machine.enrolled":
      return `:new: ${host} enrolled.`;
    case "test":
      return "Cachefleet test message: this webhook works.";
    default:
      return `Cachefleet event ${field(payload, "event")} for ${host}.`;
  }
}

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

/** The request for one delivery; `payload` is the stored generic body. */
export function webhookRequest(format: WebhookFormat, signingSecret: string, payload: string, now: Date): WebhookRequest {
  if (format === "slack") {
    const parsed: unknown = JSON.parse(payload);
    const record = typeof parsed === "object" && parsed !== null ? Object.fromEntries(Object.entries(parsed)) : {};
    return { headers: { "content-type": "application/json" }, body: JSON.stringify({ text: slackText(record) }) };
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  const parsed: unknown = JSON.parse(payload);
  const event = typeof parsed === "object" && parsed !== null && "event" in parsed && typeof parsed.event === "string" ? parsed.event : "";
  const id = typeof parsed === "object" && parsed !== null && "id" in parsed && typeof parsed.id === "string" ? parsed.id : "";
  return {
    headers: {
      "content-type": "application/json",
      [webhookHeaders.event]: event,
      [webhookHeaders.delivery]: id,
      [webhookHeaders.timestamp]: String(timestamp),
      [webhookHeaders.signature]: webhookSignature(signingSecret, timestamp, payload),
    },
    body: payload,
  };
}

/** Attempts 1, 2, 3… wait base, 2×base, 4×base…, at most an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** `https://hooks.example.com/…/a1b2`: enough to tell webhooks apart, not enough to call one. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const tail = url.replace(/\/+$/, "").slice(-4);
    return `${parsed.protocol}//${parsed.host}/…${tail}`;
  } catch {
    return "…";
  }
}
