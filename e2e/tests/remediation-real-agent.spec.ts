// Automatic remediation of a real machine: the built dashboard, a real agent running in a time
// zone far from the dashboard's, its real Go 1.24 cache made mixed the way developers make it
// (old plaintext entries, then the encrypted helper switched on without a clean), Chromium, and a
// real local webhook receiver that checks every signature as the README tells receivers to.
// Windows are chosen around the real clock in the agent's own zone (no fake clock: a real agent
// cannot share one); the dashboard's background job runs every second, and "it did not act" is
// shown after the job has demonstrably run several times, never after a sleep.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { execa } from "execa";
import { scanCache } from "@cachefleet/gocache";
import { RemediationPage, signInForNavigation, TokensPage, WebhooksPage } from "../support/admin-pages.js";
import { AgentProcess } from "../support/agent-process.js";
import { go124 } from "../support/go-cache.js";
import { fillMixedGoCache } from "../support/mixed-cache.js";
import { FleetPage, MachinePage } from "../support/pages.js";
import { readmeCurl } from "../support/readme-examples.js";
import { enrollSimulatedMac, runSentMigrations } from "../support/simulated-macs.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";
import { farTimeZone, hostTimeZone, windowAround, windowOpen } from "../support/time-zones.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

let workDir: string;
let dashboard: Dashboard | undefined;
let agent: AgentProcess | undefined;
let receiver: WebhookReceiver | undefined;

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && agent) console.log(`agent output:\n${agent.output()}`);
  await agent?.stop();
  await dashboard?.stop();
  await receiver?.close();
  agent = dashboard = receiver = undefined;
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** Every remediation event in Activity for `hostname`, oldest first. */
async function remediationActivity(page: Page, baseUrl: string, hostname: string): Promise<string[]> {
  await page.goto(`${baseUrl}/activity`);
  const rows = page.getByTestId("activity-row").filter({ hasText: hostname });
  await expect(rows.first()).toBeVisible();
  const actions = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-action") ?? ""));
  return actions.filter((action) => action.startsWith("remediation.")).reverse();
}

test("a real agent's mixed cache is migrated automatically inside its window, the receiver gets signed events, and a read-only token lists the fleet with curl", async ({ page }) => {
  // Compiling the helper and rebuilding through it on a shared, loaded machine takes minutes.
  test.setTimeout(1_500_000);
  workDir = makeWorkDir("remediation-real");
  dashboard = await startDashboard(workDir, { remediationIntervalMs: 1_000 });
  receiver = new WebhookReceiver();
  await receiver.start();
  const hostname = "far-away-dev";
  const timeZone = farTimeZone(new Date());

  await signInForNavigation(page, dashboard.url, admin.email, admin.password);
  const webhooks = new WebhooksPage(page);
  await webhooks.open(dashboard.url);
  receiver.signingSecret = await webhooks.addJsonWebhook("team alerts", receiver.url, [
    "A new machine enrolled",
    "A machine turned critical",
    "A command failed",
    "A remediation failed",
  ]);
  expect(receiver.signingSecret).not.toBe("");

  agent = await AgentProcess.enroll(dashboard.url, dashboard.enrollmentSecret, { name: hostname, goRoot: workDir, goBinary: go124, timeZone });
  const gocache = await fillMixedGoCache(workDir, agent);
  const before = scanCache(gocache);
  expect(before.verdict).toBe("mixed");
  expect(before.classes.plaintext.count).toBeGreaterThan(0);
  expect(before.classes.encrypted.count).toBeGreaterThan(0);
  agent.start();

  // Its enrollment and its first report (critical: the cache is mixed) reach the receiver, signed.
  await expect.poll(() => receiver?.eventsFor(hostname), { timeout: 120_000 }).toEqual(["machine.enrolled", "machine.critical"]);

  // A window open now in the machine's zone, and closed in the dashboard's: only the agent's zone opens it.
  const now = new Date();
  const window = windowAround(timeZone, now, 60, 240);
  expect(windowOpen(window, timeZone, now)).toBe(true);
  expect(windowOpen(window, hostTimeZone, now)).toBe(false);

  const remediation = new RemediationPage(page);
  await remediation.open(dashboard.url);
  await remediation.fill({ name: "Fix mixed caches", rule: "mixed-cache", atOnce: 1, window });
  const dryRun = await remediation.dryRun();
  expect(dryRun).toContain("It would act now on 1 machine");
  expect(dryRun).toContain(`${hostname} (${timeZone})`);
  await remediation.save();

  const state = remediation.machineState(hostname);
  await expect(state).toHaveText("remediation running", { timeout: 60_000 });
  await expect(state).toHaveText("fixed", { timeout: 1_200_000 });
  await expect(page.getByTestId("remediation-card")).toContainText("0 pending, 0 running, 1 fixed, 0 failed");

  // On disk: sealed, nothing plaintext; the backup holds the mixed cache the migration found.
  const after = scanCache(gocache);
  expect(after.verdict).toBe("encrypted");
  expect(after.classes.plaintext.count).toBe(0);
  const backups = fs.readdirSync(path.dirname(gocache)).filter((name) => name.startsWith(`${path.basename(gocache)}.backup-`));
  expect(backups).toHaveLength(1);
  expect(scanCache(path.join(path.dirname(gocache), backups[0] ?? "")).verdict).toBe("mixed");

  // The machine's page: fixed, the automatic migration succeeded step by step, no finding left.
  await page.goto(dashboard.url);
  const fleet = new FleetPage(page);
  await fleet.openMachine(hostname);
  const machineId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  const machine = new MachinePage(page);
  await expect(page.getByTestId("machine-remediation-state")).toHaveText("fixed");
  await expect(machine.latestCommand().getByTestId("command-status")).toHaveText("succeeded");
  for (const step of ["backup", "clean", "enable", "reinit", "verify"]) await expect(machine.latestCommand().getByTestId(`step-${step}`)).toContainText("succeeded");
  await expect(machine.noFindings()).toBeVisible();

  // Activity records the run: queued as pending, started, fixed by its command, under the remediation.
  expect(await remediationActivity(page, dashboard.url, hostname)).toEqual(["remediation.pending", "remediation.started", "remediation.fixed"]);
  await expect(page.getByTestId("activity-row").filter({ hasText: "remediation:Fix mixed caches" }).filter({ hasText: hostname }).first()).toBeVisible();

  // Every request the receiver got verified; no failure was announced for the machine.
  expect(receiver.received.length).toBeGreaterThan(0);
  for (const request of receiver.received) {
    expect(request.verified).toBe(true);
    expect(request.event).toBe(request.body.event);
    expect(request.delivery).toBe(request.body.id);
  }
  expect(receiver.eventsFor(hostname)).toEqual(["machine.enrolled", "machine.critical"]);

  // A read-only token made in the browser lists the fleet with the README's curl line, run by real curl…
  const tokens = new TokensPage(page);
  await tokens.open(dashboard.url);
  const token = await tokens.createToken("fleet reader", "Read only");
  const listed = await execa("bash", ["-c", readmeCurl("fleet.list", dashboard.url)], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  expect(listed.exitCode, listed.stderr).toBe(0);
  const body: unknown = JSON.parse(listed.stdout);
  expect(body).toMatchObject({ result: { data: { total: 1, rows: [{ id: machineId, hostname, health: "healthy", cacheVerdict: "encrypted" }] } } });

  // …and the README's admin example (a rescan) with the same token is refused: 403, nothing queued.
  const rescan = await execa("bash", ["-c", readmeCurl("fleet.rescan", dashboard.url, { "<machine id>": machineId })], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  // curl -f exits 22 on an HTTP error status and names it.
  expect(rescan.exitCode).toBe(22);
  expect(rescan.stderr).toContain("403");
  await page.goto(`${dashboard.url}/machines/${machineId}`);
  await expect(page.getByTestId("command")).toHaveCount(1);
});

test("a window closed in the real agent's zone leaves its mixed cache alone while the job fixes a machine whose window is open", async ({ page }) => {
  test.setTimeout(1_200_000);
  workDir = makeWorkDir("remediation-closed");
  dashboard = await startDashboard(workDir, { remediationIntervalMs: 1_000 });
  const hostname = "after-hours-dev";
  const timeZone = farTimeZone(new Date());

  agent = await AgentProcess.enroll(dashboard.url, dashboard.enrollmentSecret, { name: hostname, goRoot: workDir, goBinary: go124, timeZone });
  const gocache = await fillMixedGoCache(workDir, agent);
  const before = scanCache(gocache);
  expect(before.verdict).toBe("mixed");
  agent.start();
  // A simulated Mac in the dashboard's own zone: its runs show the job ticking.
  const open = { mac: await enrollSimulatedMac(dashboard.url, dashboard.enrollmentSecret, "open-window-mac"), timeZone: hostTimeZone };
  await open.mac.report({ takenAt: new Date(), cache: { plaintext: 40, encrypted: 20 }, timeZone: open.timeZone });

  await signInForNavigation(page, dashboard.url, admin.email, admin.password);
  await new FleetPage(page).openMachine(hostname);
  await expect(new MachinePage(page).finding("mixed-cache")).toBeVisible({ timeout: 120_000 });

  // Open now in the dashboard's zone (and the simulated Mac's), closed in the real agent's.
  const now = new Date();
  const window = windowAround(hostTimeZone, now, 60, 240);
  expect(windowOpen(window, timeZone, now)).toBe(false);

  const remediation = new RemediationPage(page);
  await remediation.open(dashboard.url);
  await remediation.fill({ name: "Office hours", rule: "mixed-cache", atOnce: 5, window });
  const dryRun = await remediation.dryRun();
  expect(dryRun).toContain("It would act now on 1 machine");
  expect(dryRun).toContain(`open-window-mac (${hostTimeZone})`);
  expect(dryRun).toContain(`Waiting: ${hostname} (outside its window)`);
  await remediation.save();

  // The simulated Mac is fixed, fails again in a later report and is fixed again: the job ran at
  // least four times after it queued both machines (queue and start, fixed, queue and start, fixed).
  const openState = remediation.machineState("open-window-mac");
  let migrations = 0;
  for (const round of [1, 2]) {
    if (round === 2) await open.mac.report({ takenAt: new Date(), cache: { plaintext: 40, encrypted: 20 }, timeZone: open.timeZone });
    await expect
      .poll(
        async () => {
          migrations += await runSentMigrations(open.mac, open.timeZone);
          return `${migrations} migrations, ${(await openState.textContent()) ?? ""}`;
        },
        { timeout: 120_000, intervals: [500] },
      )
      .toBe(`${round} migrations, fixed`);
  }

  // The real machine waited through all of it: pending, outside its window, no command, still mixed.
  const closedRow = page.getByTestId("remediation-machine-row").filter({ hasText: hostname });
  await expect(remediation.machineState(hostname)).toHaveText("remediation pending");
  await expect(closedRow).toContainText("Waiting: outside its window");
  expect(scanCache(gocache).verdict).toBe("mixed");
  expect(await remediationActivity(page, dashboard.url, hostname)).toEqual(["remediation.pending"]);
  await page.goto(dashboard.url);
  await new FleetPage(page).openMachine(hostname);
  await expect(page.getByTestId("machine-remediation-state")).toHaveText("remediation pending");
  await expect(page.getByTestId("command")).toHaveCount(0);
});
