// The background job that empties the webhook outbox: each tick claims the deliveries that are
// due (any dashboard instance may run it; claims are conditional updates), posts them, and records
// each answer, retrying failures with exponential backoff until the last attempt. It also
// announces machines that went offline beyond the policy's threshold.
import { claimDueDeliveries, finishDelivery, type ClaimedDelivery, type Db } from "@cachefleet/db";
import { announceOfflineMachines } from "./machine-events.js";
import { retryDelayMs, webhookRequest } from "./webhook-format.js";

export interface WebhookDispatcherOptions {
  intervalMs: number;
  /** The first retry's delay; each further one doubles it. */
  retryBaseMs: number;
  /** Attempts before a delivery is failed for good. */
  maxAttempts: number;
  /** How long one POST may take. */
  timeoutMs: number;
  /** Deliveries per tick. */
  batchSize: number;
  onError: (error: unknown) => void;
}

export const defaultDispatcherOptions: WebhookDispatcherOptions = {
  intervalMs: 2_000,
  retryBaseMs: 30_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
  batchSize: 50,
  onError: (error) => console.error("webhook delivery:", error),
};

export class WebhookDispatcher {
  readonly #options: WebhookDispatcherOptions;
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;

  constructor(
    private readonly db: Db,
    options: Partial<WebhookDispatcherOptions> = {},
  ) {
    this.#options = { ...defaultDispatcherOptions, ...options };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One pass; returns how many deliveries it attempted. Overlapping calls do nothing. */
  async tick(now = new Date()): Promise<number> {
    if (this.#ticking) return 0;
    this.#ticking = true;
    try {
      await announceOfflineMachines(this.db, now);
      // A claim outlasts the POST's time limit, so a slow receiver is not sent the same delivery twice.
      const claimed = await claimDueDeliveries(this.db, { now, claimMs: this.#options.timeoutMs * 3, limit: this.#options.batchSize });
      await Promise.all(claimed.map((delivery) => this.#deliver(delivery, now)));
      return claimed.length;
    } catch (error) {
      this.#options.onError(error);
      return 0;
    } finally {
      this.#ticking = false;
    }
  }

  async #deliver(delivery: ClaimedDelivery, now: Date): Promise<void> {
    const request = webhookRequest(delivery.webhook.format, delivery.webhook.signingSecret, delivery.payload, new Date());
    const retryAt = delivery.attempts >= this.#options.maxAttempts ? null : new Date(now.getTime() + retryDelayMs(delivery.attempts, this.#options.retryBaseMs));
    try {
      const response = await fetch(delivery.webhook.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        // A receiver that redirects is answered as a failure, never followed to another host.
        redirect: "manual",
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      const text = await response.text();
      if (response.status >= 200 && response.status < 300) {
        await finishDelivery(this.db, delivery.id, delivery.attempts, { delivered: true, status: response.status, response: text });
      } else {
        await finishDelivery(this.db, delivery.id, delivery.attempts, { delivered: false, status: response.status, response: text, retryAt });
      }
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await finishDelivery(this.db, delivery.id, delivery.attempts, { delivered: false, status: null, response: reason, retryAt });
    }
  }
}
