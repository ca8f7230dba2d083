// Automatic remediation in the browser: two simulated Macs (reporting through the agents' real
// API, with their time zone) have mixed caches; an admin dry-runs and saves "mixed-cache →
// migrate with backup", one machine at a time, and watches the machines go from pending to fixed
// as the simulated agents run the commands they are sent and report clean caches.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { RemediationPage, signInForNavigation } from "../support/admin-pages.js";
import { enrollSimulatedMac, type SimulatedMachine } from "../support/simulated-macs.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard;

test.beforeAll(async () => {
  workDir = makeWorkDir("remediation");
  dashboard = await startDashboard(workDir, { remediationIntervalMs: 500 });
});

test.afterAll(async () => {
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

const mixed = { plaintext: 40, encrypted: 20 };
const encrypted = { plaintext: 0, encrypted: 60 };

/**
 * Runs the commands a simulated Mac is sent, as the agent does: claim, succeed, report again (now
 * with an encrypted cache). Returns how many it ran.
 */
async function serveCommands(mac: SimulatedMachine, timeZone: string): Promise<number> {
  const pending = await mac.client.agent.pendingCommands.query();
  for (const command of pending) {
    expect(command.spec).toEqual({ kind: "migrate", options: { backup: true } });
    if (!(await mac.client.agent.claim.mutate({ messageId: randomUUID(), commandId: command.id })).claimed) continue;
    await mac.client.agent.result.mutate({ messageId: randomUUID(), commandId: command.id, status: "succeeded", error: null, failedStep: null, before: null, after: null, backupPath: null, durationMs: 1200 });
    await mac.report({ takenAt: new Date(), cache: encrypted, timeZone });
  }
  return pending.length;
}

test("a remediation configured in the browser takes mixed caches from pending to fixed, one machine at a time", async ({ page }) => {
  const macs = [
    { mac: await enrollSimulatedMac(dashboard.url, dashboard.enrollmentSecret, "paris-mac"), timeZone: "Europe/Paris" },
    { mac: await enrollSimulatedMac(dashboard.url, dashboard.enrollmentSecret, "tokyo-mac"), timeZone: "Asia/Tokyo" },
  ];
  for (const { mac, timeZone } of macs) await mac.report({ takenAt: new Date(), cache: mixed, timeZone });

  await signInForNavigation(page, dashboard.url, admin.email, admin.password);
  const remediation = new RemediationPage(page);
  await remediation.open(dashboard.url);
  await remediation.fill({ name: "Fix mixed caches", rule: "mixed-cache", atOnce: 1 });
  const dryRun = await remediation.dryRun();
  expect(dryRun).toContain("It would act now on 1 machine");
  expect(dryRun).toContain("at the concurrency limit");
  await remediation.save();

  // One runs (its agent has not picked the command up yet), the other waits its turn.
  const states = [remediation.machineState("paris-mac"), remediation.machineState("tokyo-mac")];
  await expect(page.getByTestId("remediation-state").filter({ hasText: "remediation running" })).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId("remediation-state").filter({ hasText: "remediation pending" })).toHaveCount(1);

  // The agents run what they are sent until both machines are fixed.
  await expect
    .poll(
      async () => {
        for (const { mac, timeZone } of macs) await serveCommands(mac, timeZone);
        return Promise.all(states.map(async (state) => (await state.textContent()) ?? ""));
      },
      { timeout: 60_000, intervals: [500] },
    )
    .toEqual(["fixed", "fixed"]);
  await expect(page.getByTestId("remediation-card")).toContainText("0 pending, 0 running, 2 fixed, 0 failed");

  // The machine's own page says so too.
  await page.goto(`${dashboard.url}/machines/${macs[0]?.mac.machineId ?? ""}`);
  await expect(page.getByTestId("machine-remediation-state")).toHaveText("fixed");

  // Every run is in Activity under the remediation.
  await page.goto(`${dashboard.url}/activity`);
  await expect(page.getByText("remediation:Fix mixed caches").first()).toBeVisible();
});
