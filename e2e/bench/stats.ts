// What both benches share: nearest-rank percentiles and their printing, the database each run
// gets, and clean-up that runs newest first also when a bench is interrupted (Ctrl-C).
import { describeError } from "./errors.js";
import { createTestDatabase, postgresAdminUrl, postgresReachable, type TestDatabase } from "@cachefleet/db/test-support";

export type Provider = "sqlite" | "postgresql";

/** Nearest-rank percentiles of `samples`: `at(0.5)` is the median, `at(1)` the maximum; NaN when empty. */
export function nearestRank(samples: readonly number[]): (quantile: number) => number {
  const sorted = [...samples].sort((a, b) => a - b);
  return (quantile) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))] ?? Number.NaN;
}

export const ms = (value: number) => value.toFixed(1);

/** A fresh database, or null (said why) when PostgreSQL is asked for but not on this machine. */
export async function benchDatabase(provider: Provider): Promise<TestDatabase | null> {
  if (provider === "postgresql") {
    const host = new URL(postgresAdminUrl).hostname;
    if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) {
      console.log(`postgresql: skipped, the bench only uses a loopback server and ${host} is not one.`);
      return null;
    }
    if (!(await postgresReachable())) {
      console.log(`postgresql: skipped, no PostgreSQL server answers at ${host}:${new URL(postgresAdminUrl).port || "5432"}.`);
      return null;
    }
  }
  return createTestDatabase(provider);
}

/** Run on exit, newest first, also when the bench is interrupted (Ctrl-C). */
export const cleanups: (() => Promise<void>)[] = [];

let cleaning: Promise<void> = Promise.resolve();

/** Chained, so that Ctrl-C during the bench's own clean-up waits for it before exiting. */
export function cleanUp(): Promise<void> {
  cleaning = cleaning.then(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("clean-up failed:", error);
      }
    }
  });
  return cleaning;
}


/** Runs the bench once per database, cleaning up after it, on an error and on SIGINT/SIGTERM. */
export function runBench(providers: readonly Provider[], runOne: (provider: Provider) => Promise<void>): void {
  // `on`, not `once`: execa's exit hook re-raises a signal that no other listener is left to
  // handle, which would kill the bench before it has dropped its database.
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.log(`${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  const run = async () => {
    try {
      for (const provider of providers) await runOne(provider);
    } finally {
      await cleanUp();
    }
  };
  run().catch((error: unknown) => {
    console.error(error instanceof Error && error.stack && error.cause === undefined ? error.stack : describeError(error));
    process.exitCode = 1;
  });
}
