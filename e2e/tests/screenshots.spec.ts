// The README's pictures, taken from a real run: the built dashboard, a small team of Macs that
// report through the agents' tRPC API (plaintext, encrypted, mixed and empty caches), and one real
// agent on a real Go 1.22 cache. Light theme, 1440×900. Every end-to-end run takes them (the pages
// must render), into the test's own output folder; `pnpm screenshots` sets
// CACHEFLEET_UPDATE_SCREENSHOTS=1 and only then are the tracked pictures in docs/screenshots/
// replaced, so a test run leaves the working tree as it found it.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { repositoryRoot } from "@cachefleet/db/layout";
import { AgentProcess } from "../support/agent-process.js";
import { fillGoCache } from "../support/go-cache.js";
import { FleetPage, MachinePage, SignInPage } from "../support/pages.js";
import { reportTeam, teamMacs } from "../support/simulated-macs.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

const readmeScreenshots = path.join(repositoryRoot, "docs", "screenshots");
const updateReadme = process.env.CACHEFLEET_UPDATE_SCREENSHOTS === "1";
const realAgentName = "ci-linux-01";
const shownMachine = "dara-mbp";

let workDir: string;
let dashboard: Dashboard;
let agent: AgentProcess | undefined;

test.use({ viewport: { width: 1440, height: 900 }, colorScheme: "light", deviceScaleFactor: 1 });

test.beforeAll(async () => {
  workDir = makeWorkDir("screenshots");
  dashboard = await startDashboard(workDir);
  await reportTeam(dashboard.url, dashboard.enrollmentSecret);
  await fillGoCache(workDir);
  agent = await AgentProcess.enroll(dashboard.url, dashboard.enrollmentSecret, { name: realAgentName, goRoot: workDir });
  agent.start();
});

test.afterAll(async () => {
  await agent?.stop();
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("the fleet and a machine page, as the README shows them", async ({ page }, testInfo) => {
  const screenshots = updateReadme ? readmeScreenshots : testInfo.outputPath("screenshots");
  fs.mkdirSync(screenshots, { recursive: true });
  await new SignInPage(page).signIn(dashboard.url, admin.email, admin.password);
  await expect(page.locator("html")).not.toHaveClass(/dark/);

  const fleet = new FleetPage(page);
  await expect(page.getByTestId("machine-row")).toHaveCount(teamMacs.length + 1);
  // The real agent's first report carries its Go version; until then its row is half empty.
  await expect(fleet.row(realAgentName)).toContainText("go1.22", { timeout: 60_000 });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshots, "fleet.png"), animations: "disabled", caret: "hide" });

  await fleet.openMachine(shownMachine);
  await expect(new MachinePage(page).entries()).toBeVisible();
  // Not an assertion: charts draw themselves in over a moment, and the picture should show them whole.
  await page.waitForTimeout(1500);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshots, "machine.png"), animations: "disabled", caret: "hide" });
});
