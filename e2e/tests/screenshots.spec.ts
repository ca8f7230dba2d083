// The README's pictures, taken from a real run: the built dashboard, a small team of Macs that
// report through the agents' tRPC API (plaintext, encrypted, mixed and empty caches), and one real
// agent on a real Go 1.22 cache. Light theme, 1440×900. Every end-to-end run takes them (the pages
// must render), into the test's own output folder; `pnpm screenshots` sets
// CACHEFLEET_UPDATE_SCREENSHOTS=1 and only then are the tracked pictures in docs/screenshots/
// replaced, so a test run leaves the working tree as it found it.
import fs from "node:fs";
import path from "node:path";
import { repositoryRoot } from "@cachefleet/db/layout";
import { expect, test } from "../support/fixtures.js";
import { fillGoCache } from "../support/go-cache.js";
import { reportTeam, teamMacs } from "../support/simulated-macs.js";

const readmeScreenshots = path.join(repositoryRoot, "docs", "screenshots");
const updateReadme = process.env.CACHEFLEET_UPDATE_SCREENSHOTS === "1";
const realAgentName = "ci-linux-01";
const shownMachine = "dara-mbp";

test.use({ viewport: { width: 1440, height: 900 }, colorScheme: "light", deviceScaleFactor: 1 });

test("the fleet and a machine page, as the README shows them", async ({ page, stack, signInPage }, testInfo) => {
  // Twice the usual limit: the team's reports and a real go build come first, which a beforeAll
  // with its own limit used to run. Nothing here is timed.
  test.setTimeout(480_000);
  await reportTeam(stack.url, stack.enrollmentSecret);
  await fillGoCache(stack.workDir);
  const agent = await stack.enrollAgent({ name: realAgentName, goRoot: stack.workDir });
  agent.start();

  const screenshots = updateReadme ? readmeScreenshots : testInfo.outputPath("screenshots");
  fs.mkdirSync(screenshots, { recursive: true });
  const fleet = await signInPage.signIn();
  await expect(fleet.frame.root()).not.toHaveClass(/dark/);

  await expect(fleet.rows()).toHaveCount(teamMacs.length + 1);
  // The real agent's first report carries its Go version; until then its row is half empty.
  await expect(fleet.row(realAgentName)).toContainText("go1.22", { timeout: 60_000 });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshots, "fleet.png"), animations: "disabled", caret: "hide" });

  const machine = await fleet.openMachine(shownMachine);
  await expect(machine.entries()).toBeVisible();
  // Not an assertion: charts draw themselves in over a moment, and the picture should show them whole.
  await page.waitForTimeout(1500);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(screenshots, "machine.png"), animations: "disabled", caret: "hide" });
});
