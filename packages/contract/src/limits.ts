// Limits of the HTTP endpoint both ends must agree on: the dashboard refuses past them, and its
// browser client and the agent stay within them.
export const wireLimits = {
  /**
   * A request body's bytes. An agent's report is the largest body: a big Mac (12 toolchains, 150
   * tools in GOBIN, 10 launch agents with long PATHs, every probe filled) measures 58 KB of JSON —
   * the api package's hardening.test.ts builds and prints it — so 1 MiB leaves 18 times that, and
   * a 200 MB body is refused before it is read.
   */
  maxBodyBytes: 1024 * 1024,
  /** Procedures in one batched request. */
  maxBatchSize: 25,
} as const;
