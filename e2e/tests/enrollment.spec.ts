// The enrollment secret lifecycle: an admin creates a secret in the browser, a real agent
// downloaded from the dashboard's own URL enrolls with it and reports, the admin revokes the
// machine in the browser, and the agent is refused on its next report.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { AgentProcess, waitFor } from "../support/agent-process.js";
import { EnrollmentPage, signInForNavigation } from "../support/admin-pages.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard;
let agent: AgentProcess | null = null;

test.beforeAll(async () => {
  workDir = makeWorkDir("enrollment");
  dashboard = await startDashboard(workDir);
});

test.afterEach(async ({}, testInfo) => {
  if (agent && testInfo.status !== testInfo.expectedStatus) console.log(`agent output:\n${agent.output()}`);
  await agent?.stop();
  agent = null;
});

test.afterAll(async () => {
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** The words of one shown command line that follow `flag`. */
function flagValue(line: string, flag: string): string {
  const words = line.trim().split(/\s+/);
  const value = words[words.indexOf(flag) + 1];
  if (!words.includes(flag) || !value) throw new Error(`no ${flag} in: ${line}`);
  return value;
}

test("a secret created in the browser enrolls a downloaded agent, and a revoked machine is refused", async ({ page }) => {
  await signInForNavigation(page, dashboard.url, admin.email, admin.password);
  const enrollment = new EnrollmentPage(page);
  await enrollment.open(dashboard.url);
  const { secret, commands } = await enrollment.createSecret("E2E laptops");
  expect(secret.length).toBeGreaterThanOrEqual(16);
  await expect(page.getByTestId("secret-row").filter({ hasText: "E2E laptops" })).toContainText("active");

  // The shown commands name this dashboard and the new secret.
  const [download, enroll, install] = commands.split("\n");
  expect(download).toContain(`curl -fsSL ${dashboard.url}/downloads/cachefleet-agent.mjs -o ~/.cachefleet/cachefleet-agent.mjs`);
  expect(flagValue(enroll ?? "", "--server")).toBe(dashboard.url);
  // The secret is handed over in the environment, never on the agent's argv.
  expect(enroll).not.toContain("--secret");
  expect(enroll?.startsWith(`CACHEFLEET_ENROLL_SECRET=${secret} node `)).toBe(true);
  expect(install).toBe("node ~/.cachefleet/cachefleet-agent.mjs install");

  // Download the agent from the URL the page shows, as curl would.
  const downloadUrl = flagValue(download ?? "", "-fsSL");
  const response = await fetch(downloadUrl);
  expect(response.status).toBe(200);
  const body = Buffer.from(await response.arrayBuffer());
  const etag = response.headers.get("etag");
  expect(etag).toBe(`"sha256-${createHash("sha256").update(body).digest("hex")}"`);
  expect((await fetch(downloadUrl, { headers: { "if-none-match": etag ?? "" } })).status).toBe(304);
  const cli = path.join(workDir, ".cachefleet", "cachefleet-agent.mjs");
  fs.mkdirSync(path.dirname(cli), { recursive: true });
  fs.writeFileSync(cli, body);

  const goRoot = path.join(workDir, "laptop");
  fs.mkdirSync(path.join(goRoot, "go-build"), { recursive: true });
  agent = await AgentProcess.enroll(flagValue(enroll ?? "", "--server"), secret, { name: "e2e-laptop", goRoot, cli });
  agent.start();
  const running = agent;
  await waitFor("the first report", async () => (running.output().includes("reported:") ? true : null));

  // `status` judges by the team's policy once enrolled.
  const status: unknown = JSON.parse(await running.cli(["status", "--json"]));
  expect(status).toMatchObject({ policySource: `team policy from ${dashboard.url}`, policy: { requireEncryptedFromGo: "1.22" } });

  await page.reload();
  await expect(enrollment.machineRow("e2e-laptop")).toContainText("E2E laptops");
  await expect(page.getByTestId("secret-row").filter({ hasText: "E2E laptops" })).not.toContainText("never");

  await enrollment.revokeMachine("e2e-laptop");
  // An idle agent's next contact is a heartbeat (a full report when something changed).
  const refusals = () => (running.output().match(/(?:report|heartbeat) failed/g) ?? []).length;
  const refusalsBefore = refusals();
  await waitFor("the agent's next heartbeat or report to be refused", async () =>
    refusals() > refusalsBefore && running.output().includes("Unknown or revoked agent token") ? true : null,
  );
  // Its open command stream was ended by the revocation, not left to run on.
  expect(running.output()).toContain("command stream error: This machine was revoked");
  const refusedStatus: unknown = JSON.parse(await running.cli(["status", "--json"]));
  expect(refusedStatus).toMatchObject({ policySource: expect.stringContaining("default policy (could not read the team's") });

  await page.goto(dashboard.url);
  await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
  await expect(page.getByTestId("machine-row").filter({ hasText: "e2e-laptop" })).toHaveCount(0);

  await page.goto(`${dashboard.url}/activity`);
  await expect(page.getByTestId("activity-row").filter({ hasText: "revoked the machine e2e-laptop" })).toBeVisible();
  await expect(page.getByTestId("activity-row").filter({ hasText: "created the enrollment secret “E2E laptops”" })).toBeVisible();
});
