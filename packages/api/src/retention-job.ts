// The background job that enforces report and log retention (packages/db retention.ts) in one
// dashboard process: a bounded run every interval, and runs back to back (a pause apart) while a
// run reports work left, so a fleet's backlog is worked off without one long statement. Several
// dashboard instances may each run it; the runs are safe together.
import { enforceRetention, type Db, type RetentionOptions, type RetentionRun } from "@cachefleet/db";

export interface RetentionJobOptions extends RetentionOptions {
  /** Between runs when the last one finished its work. */
  intervalMs: number;
  /** Between runs while work is left. */
  catchUpPauseMs: number;
  now?: () => Date;
  onRun?: (run: RetentionRun, durationMs: number) => void;
  onError?: (error: unknown) => void;
}

export const defaultRetentionJobOptions: RetentionJobOptions = { intervalMs: 10 * 60_000, catchUpPauseMs: 1_000 };

export class RetentionJob {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  /** Totals since this process started, for metrics. */
  readonly totals = { runs: 0, thinned: 0, expired: 0, stepsDeleted: 0, activityDeleted: 0, failures: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: RetentionJobOptions = defaultRetentionJobOptions,
  ) {}

  start(): void {
    if (this.#timer || this.#running) return;
    this.#schedule(this.options.catchUpPauseMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const running = this.#running;
    this.#running = null;
    await running;
  }

  /** One run now (also what the timer does). */
  async runOnce(): Promise<RetentionRun> {
    const started = performance.now();
    const run = await enforceRetention(this.db, this.options.now?.() ?? new Date(), this.options);
    this.totals.runs += 1;
    this.totals.thinned += run.thinned;
    this.totals.expired += run.expired;
    this.totals.stepsDeleted += run.stepsDeleted;
    this.totals.activityDeleted += run.activityDeleted;
    this.options.onRun?.(run, performance.now() - started);
    return run;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.runOnce().then(
        (run) => {
          if (this.#running) this.#schedule(run.done ? this.options.intervalMs : this.options.catchUpPauseMs);
          this.#running = null;
        },
        (error: unknown) => {
          this.totals.failures += 1;
          (this.options.onError ?? ((failure) => console.error("retention job:", failure)))(error);
          if (this.#running) this.#schedule(this.options.intervalMs);
          this.#running = null;
        },
      );
    }, delayMs);
    // The job never keeps a process alive on its own.
    this.#timer.unref();
  }
}
