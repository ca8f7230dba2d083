// Automatic remediation of a real machine: the built dashboard, a real agent (on Linux, as CI runs
// it: its cache key in the agent's 0600 key file, no macOS tool or stand-in involved) running in a
// time zone far from the dashboard's, its real Go 1.24 cache made mixed the way developers make it
// (old plaintext entries, then an encrypted helper switched on without a clean), Chromium, and a
// real local webhook receiver that checks every signature as the README tells receivers to.
// Windows are chosen around the real clock in the agent's own zone (no fake clock: a real agent
// cannot share one); the dashboard's background job runs every second, and "it did not act" is
// shown after the job has demonstrably run several times, never after a sleep.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { execa } from "execa";
import { scanCache } from "@cachefleet/gocache";
import { expect, test, type Stack } from "../support/fixtures.js";
import { go124 } from "../support/go-cache.js";
import { fillMixedGoCache } from "../support/mixed-cache.js";
import { ActivityPage } from "../support/pages/activity-page.js";
import { FleetPage } from "../support/pages/fleet-page.js";
import { RemediationPage } from "../support/pages/remediation-page.js";
import { TokensPage } from "../support/pages/tokens-page.js";
import { WebhooksPage } from "../support/pages/webhooks-page.js";
import { readmeCurl } from "../support/readme-examples.js";
import { enrollSimulatedMac, runSentMigrations } from "../support/simulated-macs.js";
import { farTimeZone, hostTimeZone, windowAround, windowOpen, type ClockWindow } from "../support/time-zones.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

// Each test on a fresh dashboard (each saves its own remediation and counts its own machines),
// its remediation job running every second.
test.use({ stackOptions: { per: "test", remediationIntervalMs: 1_000 } });

let receiver: WebhookReceiver | undefined;

test.afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** A local receiver, registered in the browser as a signed JSON webhook for every failure and enrollment. */
async function registerReceiver(page: Page, baseUrl: string): Promise<WebhookReceiver> {
  const started = new WebhookReceiver();
  receiver = started;
  await started.start();
  const webhooks = await new WebhooksPage(page, baseUrl).open();
  started.signingSecret = await webhooks.addJsonWebhook("team alerts", started.url, ["A new machine enrolled", "A machine turned critical", "A command failed", "A remediation failed"]);
  expect(started.signingSecret).not.toBe("");
  return started;
}

/** A real agent in `timeZone`, enrolled, its real cache made mixed, then running; resolves to its GOCACHE. */
async function startMixedAgent(stack: Stack, hostname: string, timeZone: string, options: { teamsOwnHelper?: boolean } = {}): Promise<string> {
  const started = await stack.enrollAgent({ name: hostname, goRoot: stack.workDir, goBinary: go124, timeZone });
  const gocache = await fillMixedGoCache(stack.workDir, started, options);
  const before = scanCache(gocache);
  expect(before.verdict).toBe("mixed");
  expect(before.classes.plaintext.count).toBeGreaterThan(0);
  expect(before.classes.encrypted.count).toBeGreaterThan(0);
  started.start();
  return gocache;
}

/** Fills the remediation form (mixed-cache → migrate with backup) and dry-runs it; resolves to the page and the dry run's text. */
async function dryRunRemediation(page: Page, baseUrl: string, options: { name: string; atOnce: number; window: ClockWindow; tries?: number }): Promise<{ remediation: RemediationPage; dryRun: string }> {
  const remediation = await new RemediationPage(page, baseUrl).open();
  await remediation.fill({ rule: "mixed-cache", ...options });
  return { remediation, dryRun: await remediation.dryRun() };
}

/** Every remediation event in Activity for `hostname`, oldest first. */
async function remediationActivity(page: Page, baseUrl: string, hostname: string): Promise<string[]> {
  return (await new ActivityPage(page, baseUrl).open()).remediationActions(hostname);
}

/** Every request the receiver got was signed as the README says, its headers matching its body. */
function expectAllSigned(signed: WebhookReceiver): void {
  expect(signed.received.length).toBeGreaterThan(0);
  for (const request of signed.received) {
    expect(request.verified).toBe(true);
    expect(request.event).toBe(request.body.event);
    expect(request.delivery).toBe(request.body.id);
  }
}

// Compiling the helper and rebuilding through it on a shared, loaded machine takes minutes.
const realCacheTimeoutMs = 1_500_000;

test("a real agent's mixed cache is migrated automatically inside its window, the receiver gets signed events, and a read-only token lists the fleet with curl", async ({ page, stack, signInPage }) => {
  test.setTimeout(realCacheTimeoutMs);
  await signInPage.signIn();
  const signed = await registerReceiver(page, stack.url);
  const hostname = "far-away-dev";
  const timeZone = farTimeZone(new Date());
  const gocache = await startMixedAgent(stack, hostname, timeZone);

  // Its enrollment and its first report (critical: the cache is mixed) reach the receiver, signed.
  await expect.poll(() => signed.eventsFor(hostname), { timeout: 120_000 }).toEqual(["machine.enrolled", "machine.critical"]);

  // A window open now in the machine's zone, and closed in the dashboard's: only the agent's zone opens it.
  const now = new Date();
  const window = windowAround(timeZone, now, 60, 240);
  expect(windowOpen(window, timeZone, now)).toBe(true);
  expect(windowOpen(window, hostTimeZone, now)).toBe(false);
  const { remediation, dryRun } = await dryRunRemediation(page, stack.url, { name: "Fix mixed caches", atOnce: 1, window });
  expect(dryRun).toContain("It would act now on 1 machine");
  expect(dryRun).toContain(`${hostname} (${timeZone})`);
  await remediation.save();

  // Inside its window with a free slot, it is queued and started in one pass: running, then fixed
  // (on a quiet machine the migration can end before the page shows it running; Activity below
  // proves it was started).
  const state = remediation.machineState(hostname);
  await expect(state).toHaveText(/^(remediation running|fixed)$/, { timeout: 60_000 });
  await expect(state).toHaveText("fixed", { timeout: 1_200_000 });
  await expect(remediation.card()).toContainText("0 pending, 0 running, 1 fixed, 0 failed");

  // On disk: sealed, nothing plaintext; the backup holds the mixed cache the migration found.
  const after = scanCache(gocache);
  expect(after.verdict).toBe("encrypted");
  expect(after.classes.plaintext.count).toBe(0);
  const backups = fs.readdirSync(path.dirname(gocache)).filter((name) => name.startsWith(`${path.basename(gocache)}.backup-`));
  expect(backups).toHaveLength(1);
  expect(scanCache(path.join(path.dirname(gocache), backups[0] ?? "")).verdict).toBe("mixed");

  // The machine's page: fixed, the automatic migration succeeded step by step, no finding left.
  const machine = await (await new FleetPage(page, stack.url).open()).openMachine(hostname);
  const machineId = machine.machineId();
  await expect(machine.remediationState()).toHaveText("fixed");
  await expect(machine.latestCommand().status()).toHaveText("succeeded");
  for (const step of ["backup", "clean", "enable", "reinit", "verify"]) await expect(machine.latestCommand().step(step)).toContainText("succeeded");
  await expect(machine.noFindings()).toBeVisible();

  // Activity records the run under the remediation: queued as pending, started, fixed by its command.
  expect(await remediationActivity(page, stack.url, hostname)).toEqual(["remediation.pending", "remediation.started", "remediation.fixed"]);
  await expect(new ActivityPage(page, stack.url).row("remediation:Fix mixed caches").filter({ hasText: hostname }).first()).toBeVisible();

  // No failure was announced for the machine, and everything received was signed.
  expect(signed.eventsFor(hostname)).toEqual(["machine.enrolled", "machine.critical"]);
  expectAllSigned(signed);

  // A read-only token made in the browser lists the fleet with the README's curl line, run by real curl…
  const tokens = await new TokensPage(page, stack.url).open();
  const token = await tokens.createToken("fleet reader", "Read only");
  const listed = await execa("bash", ["-c", readmeCurl("fleet.list", stack.url)], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  expect(listed.exitCode, listed.stderr).toBe(0);
  const body: unknown = JSON.parse(listed.stdout);
  expect(body).toMatchObject({ result: { data: { total: 1, rows: [{ id: machineId, hostname, health: "healthy", cacheVerdict: "encrypted" }] } } });

  // …and the README's admin example (a rescan) with the same token is refused: 403, nothing queued.
  const rescan = await execa("bash", ["-c", readmeCurl("fleet.rescan", stack.url, { "<machine id>": machineId })], { env: { CACHEFLEET_TOKEN: token }, reject: false });
  // curl -f exits 22 on an HTTP error status and names it.
  expect(rescan.exitCode).toBe(22);
  expect(rescan.stderr).toContain("403");
  await machine.open(machineId);
  await expect(machine.commands()).toHaveCount(1);
});

test("a real agent whose migration keeps failing stops after its tries and says so, and the receiver gets the signed failures", async ({ page, stack, signInPage }) => {
  test.setTimeout(realCacheTimeoutMs);
  await signInPage.signIn();
  const signed = await registerReceiver(page, stack.url);
  const hostname = "own-helper-dev";
  const timeZone = farTimeZone(new Date());
  // The team's own cache program in GOCACHEPROG: a migration without the admin's explicit
  // "replace the other cache helper" refuses, on the machine, every time.
  const gocache = await startMixedAgent(stack, hostname, timeZone, { teamsOwnHelper: true });
  await expect.poll(() => signed.eventsFor(hostname), { timeout: 120_000 }).toEqual(["machine.enrolled", "machine.critical"]);

  const window = windowAround(timeZone, new Date(), 60, 240);
  const { remediation, dryRun } = await dryRunRemediation(page, stack.url, { name: "Fix mixed caches once", atOnce: 1, window, tries: 1 });
  expect(dryRun).toContain(`${hostname} (${timeZone})`);
  await remediation.save();

  await expect(remediation.machineState(hostname)).toHaveText("failed after 1 tries", { timeout: 600_000 });
  const row = remediation.machineRow(hostname);
  await expect(row).toContainText("Stopped:");
  await expect(row).toContainText("GOCACHEPROG already runs another cache helper");
  await expect(remediation.card()).toContainText("0 pending, 0 running, 0 fixed, 1 failed");

  // One message per failure, in order, each signed: the command's, then the remediation giving up.
  await expect.poll(() => signed.eventsFor(hostname), { timeout: 120_000 }).toEqual(["machine.enrolled", "machine.critical", "command.failed", "remediation.failed"]);
  expectAllSigned(signed);

  // Nothing was touched on disk, and Activity says it gave up.
  expect(scanCache(gocache).verdict).toBe("mixed");
  expect(fs.readdirSync(path.dirname(gocache)).filter((name) => name.includes(".backup-"))).toEqual([]);
  expect(await remediationActivity(page, stack.url, hostname)).toEqual(["remediation.pending", "remediation.started", "remediation.failed"]);
});

test("a window closed in the real agent's zone leaves its mixed cache alone while the job fixes a machine whose window is open", async ({ page, stack, signInPage }) => {
  test.setTimeout(realCacheTimeoutMs);
  const fleet = await signInPage.signIn();
  const hostname = "after-hours-dev";
  const timeZone = farTimeZone(new Date());
  const gocache = await startMixedAgent(stack, hostname, timeZone);
  // A simulated Mac in the dashboard's own zone: its runs show the job ticking.
  const open = { mac: await enrollSimulatedMac(stack.url, stack.enrollmentSecret, "open-window-mac"), timeZone: hostTimeZone };
  await open.mac.report({ takenAt: new Date(), cache: { plaintext: 40, encrypted: 20 }, timeZone: open.timeZone });

  const machine = await fleet.openMachine(hostname);
  await expect(machine.finding("mixed-cache")).toBeVisible({ timeout: 120_000 });

  // Open now in the dashboard's zone (and the simulated Mac's), closed in the real agent's.
  const now = new Date();
  const window = windowAround(hostTimeZone, now, 60, 240);
  expect(windowOpen(window, timeZone, now)).toBe(false);
  const { remediation, dryRun } = await dryRunRemediation(page, stack.url, { name: "Office hours", atOnce: 5, window });
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
  await expect(remediation.machineState(hostname)).toHaveText("remediation pending");
  await expect(remediation.machineRow(hostname)).toContainText("Waiting: outside its window");
  expect(scanCache(gocache).verdict).toBe("mixed");
  expect(await remediationActivity(page, stack.url, hostname)).toEqual(["remediation.pending"]);
  await fleet.open();
  await fleet.openMachine(hostname);
  await expect(machine.remediationState()).toHaveText("remediation pending");
  await expect(machine.commands()).toHaveCount(0);
});
