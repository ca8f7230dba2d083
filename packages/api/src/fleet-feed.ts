// Tells open fleet pages that the fleet changed: at once when this instance records a report, and
// through a cheap periodic look at the database (see fleetChangeMark) for reports that landed on
// another dashboard instance. Only runs that look while some page is listening.
import { fleetChangeMark, processWide, type Db } from "@cachefleet/db";
import type { Logger } from "./logger.js";

export interface FleetFeedOptions {
  /** How often to look for changes made elsewhere while a page listens. */
  pollMs: number;
  /**
   * A fleet of thousands reports many times a second; pages hear of it at most this often, so
   * each refreshes its rows once per burst instead of once per report.
   */
  coalesceMs: number;
}

export const defaultFleetFeedOptions: FleetFeedOptions = { pollMs: 5000, coalesceMs: 1000 };

export class FleetFeed {
  readonly #listeners = new Set<() => void>();
  #poller: NodeJS.Timeout | null = null;
  #flush: NodeJS.Timeout | null = null;
  #lastFlushAt = 0;
  #mark: string | null = null;
  #firstLook: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: FleetFeedOptions,
    /** Told when a look at the database failed; the next tick tries again. */
    private readonly onLookError: (error: unknown) => void,
  ) {}

  /** Something in the fleet changed (this instance recorded a report). */
  changed(): void {
    if (this.#flush) return;
    const wait = Math.max(0, this.#lastFlushAt + this.options.coalesceMs - Date.now());
    this.#flush = setTimeout(() => {
      this.#flush = null;
      this.#lastFlushAt = Date.now();
      for (const listener of this.#listeners) listener();
    }, wait);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (!this.#poller) {
      this.#poller = setInterval(() => void this.#look(), this.options.pollMs);
      this.#poller.unref();
      this.#firstLook = this.#look();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#poller) {
        clearInterval(this.#poller);
        this.#poller = null;
        this.#mark = null;
      }
    };
  }

  /** Resolves once the feed knows how the fleet looked when its first listener came. */
  async watching(): Promise<void> {
    await this.#firstLook;
  }

  /** Yields once per change (coalesced) until `signal` aborts. */
  async *changes(signal?: AbortSignal): AsyncGenerator<{ at: string }> {
    let pending = false;
    let wake: (() => void) | null = null;
    const unsubscribe = this.subscribe(() => {
      pending = true;
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      while (!signal?.aborted) {
        if (!pending) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (signal?.aborted) break;
        pending = false;
        yield { at: new Date().toISOString() };
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      unsubscribe();
    }
  }

  async #look(): Promise<void> {
    try {
      const mark = await fleetChangeMark(this.db);
      if (this.#mark !== null && mark !== this.#mark) this.changed();
      this.#mark = mark;
    } catch (error) {
      // A failed look is retried on the next tick; pages keep their rows meanwhile.
      this.onLookError(error);
    }
  }
}

// One feed per database handle, which every request of a dashboard process shares (Services has
// no place for it, and the agent's report and the page's subscription must meet in one feed).
const feeds = processWide("fleet-feeds", () => new WeakMap<Db, FleetFeed>());

export function fleetFeed(db: Db, logger: Logger): FleetFeed {
  let feed = feeds.get(db);
  if (!feed) {
    feed = new FleetFeed(db, defaultFleetFeedOptions, (error) => logger.error({ err: error }, "fleet feed: could not look for changes"));
    feeds.set(db, feed);
  }
  return feed;
}
