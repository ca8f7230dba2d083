// The dashboard's Prometheus metrics: one registry per services object (not the prom-client
// default registry), so two dashboards in one process, as tests build them, never share counts.
// Event counters are incremented where the event happens (the agent router, sign-in, the
// retention job); the queue's size and shape, and the open command streams, are read when
// Prometheus scrapes, so they cost nothing between scrapes.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { countCommandsByKindAndStatus, measureQueueDepth, type Db, type QueueDepth } from "@cachefleet/db";
import type { CommandNotifier } from "./notifier.js";

export interface MetricsSources {
  db: Db;
  notifier: CommandNotifier;
  /** Told when a scrape could not read the database; the scrape still answers, with the rest. */
  onCollectError: (error: unknown) => void;
}

/** Seconds, from a few milliseconds (a heartbeat) to many seconds (a report on a loaded database). */
const ingestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  readonly #reportsReceived: Counter<"outcome">;
  readonly #heartbeatsReceived: Counter;
  readonly #ingestSeconds: Histogram<"kind">;
  readonly #signInFailures: Counter;
  readonly #retentionRuns: Counter<"outcome">;
  readonly #retentionRowsDeleted: Counter<"table">;
  readonly #retentionLastSuccess: Gauge;
  #queueDepth: Promise<QueueDepth | null> | null = null;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#reportsReceived = new Counter({
      name: "cachefleet_reports_received_total",
      help: "Full agent reports received; outcome is stored, or duplicate for a report id already stored.",
      labelNames: ["outcome"],
      registers,
    });
    this.#heartbeatsReceived = new Counter({ name: "cachefleet_heartbeats_received_total", help: "Agent heartbeats received.", registers });
    this.#ingestSeconds = new Histogram({
      name: "cachefleet_ingest_duration_seconds",
      help: "Time to check and store what an agent sent, by kind (report or heartbeat).",
      labelNames: ["kind"],
      buckets: ingestBuckets,
      registers,
    });
    this.#signInFailures = new Counter({ name: "cachefleet_sign_in_failures_total", help: "Sign-ins refused (wrong email or password, or a blocked account).", registers });
    this.#retentionRuns = new Counter({
      name: "cachefleet_retention_runs_total",
      help: "Runs of the report-history retention job, by outcome (succeeded or failed).",
      labelNames: ["outcome"],
      registers,
    });
    this.#retentionRowsDeleted = new Counter({
      name: "cachefleet_retention_rows_deleted_total",
      help: "Rows the retention job deleted, by table.",
      labelNames: ["table"],
      registers,
    });
    this.#retentionLastSuccess = new Gauge({
      name: "cachefleet_retention_last_success_timestamp_seconds",
      help: "When the retention job last finished successfully (Unix time; 0: not since this process started).",
      registers,
    });
    const notifier = sources.notifier;
    new Gauge({
      name: "cachefleet_command_streams_open",
      help: "Agents' command streams (SSE) open on this instance.",
      registers,
      collect() {
        this.set(notifier.openStreamCount);
      },
    });
    const commands = new Gauge({
      name: "cachefleet_commands",
      help: "Commands in the database by kind and status (shared by every instance on the database).",
      labelNames: ["kind", "status"],
      registers,
      collect: async () => {
        try {
          const counts = await countCommandsByKindAndStatus(sources.db);
          commands.reset();
          for (const { kind, status, count } of counts) commands.set({ kind, status }, count);
        } catch (error) {
          sources.onCollectError(error);
        }
      },
    });
    const depth = new Gauge({
      name: "cachefleet_queue_pending_commands",
      help: "Commands waiting for their agent to claim them.",
      registers,
      collect: async () => {
        const measured = await this.#measureQueueDepth();
        if (measured) depth.set(measured.pending);
      },
    });
    const oldest = new Gauge({
      name: "cachefleet_queue_oldest_pending_age_seconds",
      help: "How long the oldest pending command has waited (0 when none is pending).",
      registers,
      collect: async () => {
        const measured = await this.#measureQueueDepth();
        if (measured) oldest.set(measured.oldestPendingAt ? Math.max(0, (Date.now() - measured.oldestPendingAt.getTime()) / 1000) : 0);
      },
    });
  }

  /** A full report was received (stored, or a duplicate of one already stored), taking `seconds` to ingest. */
  reportReceived(outcome: "stored" | "duplicate", seconds: number): void {
    this.#reportsReceived.inc({ outcome });
    this.#ingestSeconds.observe({ kind: "report" }, seconds);
  }

  /** A heartbeat was received and answered, taking `seconds`. */
  heartbeatReceived(seconds: number): void {
    this.#heartbeatsReceived.inc();
    this.#ingestSeconds.observe({ kind: "heartbeat" }, seconds);
  }

  signInFailed(): void {
    this.#signInFailures.inc();
  }

  /** The retention job deleted some rows of `table`; call as it goes, so long runs show progress. */
  retentionDeleted(table: string, rows: number): void {
    this.#retentionRowsDeleted.inc({ table }, rows);
  }

  /** The retention job finished a run. */
  retentionRunFinished(outcome: "succeeded" | "failed", at = new Date()): void {
    this.#retentionRuns.inc({ outcome });
    if (outcome === "succeeded") this.#retentionLastSuccess.set(at.getTime() / 1000);
  }

  /** The text Prometheus scrapes, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /**
   * Both queue gauges come from one read per scrape: a scrape starts every collect at once, so
   * the second finds the first's read in flight; once it settles, the next scrape reads afresh.
   */
  #measureQueueDepth(): Promise<QueueDepth | null> {
    this.#queueDepth ??= measureQueueDepth(this.sources.db)
      .catch((error: unknown) => {
        this.sources.onCollectError(error);
        return null;
      })
      .finally(() => {
        this.#queueDepth = null;
      });
    return this.#queueDepth;
  }
}
