// The walking skeleton end to end: a real Go 1.22 cache, a real agent, the real dashboard on a
// fresh SQLite database, and Chromium: sign in, see the machine, migrate it, check browser and disk.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { scanCache } from "@cachefleet/gocache";
import { fillGoCache } from "../support/go-cache.js";
import { FleetPage, MachinePage, SignInPage } from "../support/pages.js";
import { admin, makeWorkDir, startAgent, startDashboard, type Agent, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard | undefined;
let agent: Agent | undefined;

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && agent) console.log(`agent output:\n${agent.output()}`);
  await agent?.stop();
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("an admin migrates a machine's real Go cache from the browser", async ({ page }) => {
  workDir = makeWorkDir("migrate");
  const gocache = await fillGoCache(workDir);
  const before = scanCache(gocache);
  expect(before.entries.count).toBeGreaterThan(500);
  expect(before.verdict).toBe("plaintext");

  dashboard = await startDashboard(workDir);
  agent = await startAgent(workDir, dashboard);
  const hostname = os.hostname();

  await new SignInPage(page).signIn(dashboard.url, admin.email, admin.password);
  const fleet = new FleetPage(page);
  await expect(fleet.row(hostname)).toContainText("go1.22");
  await expect(fleet.row(hostname)).toContainText(before.entries.count.toLocaleString("en-US"));
  await fleet.openMachine(hostname);

  const machine = new MachinePage(page);
  await expect(machine.entries()).toHaveText(before.entries.count.toLocaleString("en-US"));
  await machine.migrate();

  const command = machine.latestCommand();
  await expect(command.getByTestId("command-status")).toHaveText("succeeded", { timeout: 120_000 });
  for (const step of ["backup", "clean", "reinit", "verify"]) {
    await expect(command.getByTestId(`step-${step}`)).toContainText("succeeded");
  }

  // On disk: the cache was cleaned and re-initialised, and the backup holds every old entry.
  const after = scanCache(gocache);
  expect(after.entries.count).toBeLessThan(before.entries.count);
  const backups = fs.readdirSync(path.dirname(gocache)).filter((name) => name.startsWith(`${path.basename(gocache)}.backup-`));
  expect(backups).toHaveLength(1);
  const backupPath = path.join(path.dirname(gocache), backups[0] ?? "");
  const backup = scanCache(backupPath);
  expect(backup.entries).toEqual(before.entries);
  expect(backup.formats).toEqual(before.formats);

  // In the browser: the backup path and the new figures from the closing rescan.
  await expect(command.getByTestId("backup-path")).toHaveText(backupPath);
  await expect(machine.entries()).toHaveText(after.entries.count.toLocaleString("en-US"));
});
