// A machine that only sends heartbeats, in Chromium against the real dashboard: its last full
// report was hours ago and it went offline; a heartbeat brings it back online on the open fleet
// page (no reload, no new report row), and its page still shows that last full report.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter } from "@cachefleet/api";
import { createDatabase, databaseTarget, type Database } from "@cachefleet/db";
import { checkoutLocations } from "@cachefleet/db/layout";
import { FleetPage, MachinePage, SignInPage } from "../support/pages.js";
import { createAgentClient, type ApiClient } from "../support/simulated-agent.js";
import { simulatedReport } from "../support/simulated-macs.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

const hour = 3_600_000;
let workDir: string;
let dashboard: Dashboard;
let database: Database;
let agent: ApiClient;
let digest: string;
let machineId: string;

test.beforeAll(async () => {
  workDir = makeWorkDir("heartbeat");
  dashboard = await startDashboard(workDir);
  database = createDatabase(databaseTarget(`file:${path.join(workDir, "data", "cachefleet.db")}`, checkoutLocations()));
  const report = simulatedReport(
    { hostname: "quiet-mbp", username: "quin", arch: "arm64", rosetta: false, macosVersion: "15.1", keychain: true, goVersions: ["go1.22.2"], verdict: "encrypted", entries: 1234, bytes: 80 * 1024 ** 2 },
    new Date(Date.now() - 3 * hour),
  );
  const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${dashboard.url}/api/trpc` })] });
  const enrolled = await anonymous.agent.enroll.mutate({ secret: dashboard.enrollmentSecret, machine: report.machine });
  machineId = enrolled.machineId;
  agent = createAgentClient(dashboard.url, enrolled.token);
  digest = (await agent.agent.report.mutate(report)).digest;
  // Its last contact was that report, three hours ago: offline under the default 60 minutes.
  await database.db.machine.update({ where: { id: machineId }, data: { lastSeenAt: new Date(Date.now() - 3 * hour) } });
});

test.afterAll(async () => {
  await database?.close();
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("a heartbeat-only machine shows online on the open fleet page, and its page still shows its last full report", async ({ page }) => {
  await new SignInPage(page).signIn(dashboard.url, admin.email, admin.password);
  const fleet = new FleetPage(page);
  await expect(fleet.row("quiet-mbp")).toContainText("offline");

  expect(await agent.agent.heartbeat.mutate({ agentVersion: "0.1.0", reportDigest: digest })).toEqual({ sendFullReport: false });
  // The open page hears of it through its live feed.
  await expect(fleet.row("quiet-mbp")).toContainText("online", { timeout: 30_000 });
  await expect(fleet.row("quiet-mbp")).not.toContainText("offline");
  expect(await database.db.report.count({ where: { machineId } })).toBe(1);

  await fleet.openMachine("quiet-mbp");
  await expect(new MachinePage(page).entries()).toHaveText("1,234");
  await expect(page.getByText("macOS 15.1", { exact: false }).first()).toBeVisible();
});
