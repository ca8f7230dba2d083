import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The property tests parse a thousand generated messages each: CPU-bound, so their time
    // follows the machine's load. The limit only stops something hung; no test asserts on time.
    testTimeout: 120_000,
  },
});
