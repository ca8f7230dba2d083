import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // These tests build and delete real cache trees of thousands of files and run real go builds;
    // on a shared machine running every package's suite at once that can take minutes. The limits
    // only stop something hung, so they are generous; no test asserts on time.
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
