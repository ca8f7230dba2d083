// End-to-end tests: the real dashboard (next start), a real agent and real Go, driven through
// Debian's Chromium (Playwright never downloads a browser here).
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "./tests",
  timeout: 240_000,
  expect: { timeout: 30_000 },
  // Two at a time: most of a test is waiting on real agents, Go builds and background jobs, and
  // every stack has its own ports, work directory and database, so two run side by side on the
  // 2-core machine (the suite took 7.7 min so, 17.5 min one at a time).
  workers: 2,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    headless: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
