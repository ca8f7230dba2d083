// A team's webhook receiver on a loopback port, written from the README's description of the JSON
// format alone: it recomputes each request's signature itself (HMAC-SHA256 keyed with the signing
// secret over `<timestamp>.<raw body>`, `v1=` and hex), compares in constant time, refuses stale
// timestamps, answers 401 to anything that does not verify, and keeps every request it was sent.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

/** The README: receivers refuse timestamps more than five minutes old. */
const maxAgeSeconds = 5 * 60;

export interface ReceivedWebhook {
  /** The X-Cachefleet-Event and X-Cachefleet-Delivery headers. */
  event: string;
  delivery: string;
  /** The body's own `event`, `id` and `machine.hostname` (empty when missing). */
  body: { event: string; id: string; hostname: string };
  /** Whether the signature and timestamp checked out; the receiver answered 401 when not. */
  verified: boolean;
}

/** A string at `path` in a parsed JSON value, or "". */
function stringAt(value: unknown, ...path: string[]): string {
  let current = value;
  for (const key of path) current = typeof current === "object" && current !== null ? Reflect.get(current, key) : undefined;
  return typeof current === "string" ? current : "";
}

function header(request: http.IncomingMessage, name: string): string {
  const value = request.headers[name.toLowerCase()];
  return typeof value === "string" ? value : "";
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Set once the dashboard has shown the webhook's signing secret. */
  signingSecret = "";
  url = "";
  readonly #server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const verified = this.#verifies(header(request, "X-Cachefleet-Timestamp"), rawBody, header(request, "X-Cachefleet-Signature"));
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        // Left empty: the test's expectations on events then fail with what arrived.
      }
      const body = { event: stringAt(parsed, "event"), id: stringAt(parsed, "id"), hostname: stringAt(parsed, "machine", "hostname") };
      this.received.push({ event: header(request, "X-Cachefleet-Event"), delivery: header(request, "X-Cachefleet-Delivery"), body, verified });
      response.writeHead(verified ? 200 : 401, { "content-type": "text/plain" });
      response.end(verified ? "ok" : "bad signature");
    });
  });

  #verifies(timestamp: string, rawBody: string, signature: string): boolean {
    if (this.signingSecret === "" || !/^\d+$/.test(timestamp)) return false;
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAgeSeconds) return false;
    const expected = `v1=${createHmac("sha256", this.signingSecret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
    return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("The webhook receiver has no TCP address.");
    this.url = `http://127.0.0.1:${address.port}/hooks/cachefleet`;
  }

  /** The events received for one machine, in the order they arrived. */
  eventsFor(hostname: string): string[] {
    return this.received.filter((request) => request.body.hostname === hostname).map((request) => request.event);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
