// A policy change re-evaluates findings: a simulated Mac with a plaintext Go 1.21 cache passes the
// default policy (encryption from Go 1.22); requiring encryption from Go 1.21 in the browser gives
// it a finding at once, without a new report.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDatabase, databaseTarget, type Database } from "@cachefleet/db";
import { checkoutLocations } from "@cachefleet/db/layout";
import { createAgentClient, enrollMachines } from "../support/simulated-agent.js";
import { PolicyPage, signInForNavigation } from "../support/admin-pages.js";
import { plaintextCacheReport } from "../support/simulated-macs.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard;
let database: Database;

test.beforeAll(async () => {
  workDir = makeWorkDir("policy");
  dashboard = await startDashboard(workDir);
  database = createDatabase(databaseTarget(`file:${path.join(workDir, "data", "cachefleet.db")}`, checkoutLocations()));
});

test.afterAll(async () => {
  await database?.close();
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("requiring encryption from Go 1.21 gives a plaintext Go 1.21 cache a finding without a new report", async ({ page }) => {
  const [machine] = await enrollMachines(database.db, dashboard.enrollmentSecret, 1);
  if (!machine) throw new Error("no machine enrolled");
  const agent = createAgentClient(dashboard.url, machine.token);
  const outcome = await agent.agent.report.mutate(plaintextCacheReport("go121-mac", "go1.21.9"));
  expect(outcome.findings.map((finding) => finding.rule)).toEqual([]);
  const stored = () => database.db.machine.findUniqueOrThrow({ where: { id: machine.machineId }, select: { health: true, findingsCount: true, findingRules: true, latestReportId: true } });
  const before = await stored();
  expect(before).toMatchObject({ health: "healthy", findingsCount: 0, findingRules: "" });

  await signInForNavigation(page, dashboard.url, admin.email, admin.password);
  const policy = new PolicyPage(page);
  await policy.open(dashboard.url);
  await expect(page.getByLabel("Required from Go version")).toHaveValue("1.22");

  // A mistake is shown next to its field and nothing is saved.
  await page.getByLabel("Required from Go version").fill("go1.21");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText('Give a Go release such as "1.22"')).toBeVisible();
  expect((await database.db.policy.findUniqueOrThrow({ where: { id: "team" } })).requireEncryptedFromGo).toBe("1.22");

  const saved = await policy.requireEncryptionFrom("1.21");
  expect(saved).toContain("1 changed health");

  const after = await stored();
  // Go 1.21 cannot run the encrypted cache helper, so it is also asked to upgrade.
  expect(after).toMatchObject({ health: "warning", findingsCount: 2, findingRules: ",plaintext-cache,go-too-old-for-encryption,", latestReportId: before.latestReportId });
  expect(await database.db.report.count({ where: { machineId: machine.machineId } })).toBe(1);

  // The change is in the activity log, readable.
  await page.goto(`${dashboard.url}/activity`);
  await page.getByRole("combobox", { name: "Kind" }).click();
  await page.getByRole("option", { name: "Policy" }).click();
  await expect(page.getByTestId("activity-row").first()).toContainText("encryption: from Go 1.22 → from Go 1.21");
  await expect(page.getByTestId("activity-row").first()).toContainText(admin.email);
});
