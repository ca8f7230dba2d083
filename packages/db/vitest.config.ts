import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each test file migrates its own databases; running files one after another keeps the
    // PostgreSQL server and the two cores free of contention.
    fileParallelism: false,
  },
});
