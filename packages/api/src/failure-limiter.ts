// Counts failures per key in a sliding window (failed sign-ins per account and per address,
// failed enrollments per address) and says when a key must wait. In memory, per dashboard
// process: several instances behind a load balancer each allow the limit (SECURITY.md says so).
export interface FailureLimit {
  /** Failures allowed within the window; the next attempt is refused until the oldest expires. */
  maxFailures: number;
  windowMs: number;
}

/** Keys kept at most; past it the stalest key is forgotten, so a flood of keys cannot fill memory. */
const maxKeys = 50_000;

export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(
    readonly limit: FailureLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.#recent(key);
    if (recent.length < this.limit.maxFailures) return 0;
    const oldest = recent[recent.length - this.limit.maxFailures] ?? this.now();
    return Math.max(1, oldest + this.limit.windowMs - this.now());
  }

  fail(key: string): void {
    const recent = this.#recent(key);
    recent.push(this.now());
    this.#failures.delete(key);
    this.#failures.set(key, recent.slice(-this.limit.maxFailures));
    if (this.#failures.size > maxKeys) {
      const stalest = this.#failures.keys().next();
      if (!stalest.done) this.#failures.delete(stalest.value);
    }
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const since = this.now() - this.limit.windowMs;
    return (this.#failures.get(key) ?? []).filter((at) => at > since);
  }
}

export interface RequestLimits {
  /** How many proxies in front may be believed about the client's address (0: none). */
  trustedProxyHops: number;
  signInPerAccount: FailureLimiter;
  signInPerAddress: FailureLimiter;
  enrollmentPerAddress: FailureLimiter;
}

const fifteenMinutes = 15 * 60_000;

export function createRequestLimits(trustedProxyHops = 0): RequestLimits {
  return {
    trustedProxyHops,
    signInPerAccount: new FailureLimiter({ maxFailures: 10, windowMs: fifteenMinutes }),
    // Every client shares one address when no proxy is trusted, so that limit is wider.
    signInPerAddress: new FailureLimiter({ maxFailures: trustedProxyHops > 0 ? 30 : 100, windowMs: fifteenMinutes }),
    enrollmentPerAddress: new FailureLimiter({ maxFailures: trustedProxyHops > 0 ? 10 : 50, windowMs: fifteenMinutes }),
  };
}
