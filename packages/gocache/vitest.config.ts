import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // These tests build and delete real cache trees of thousands of files; on a shared machine
    // running every package's suite at once that can take longer than vitest's 5 s / 10 s limits.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
