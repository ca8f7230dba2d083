// Automatic remediation in the browser: two simulated Macs (reporting through the agents' real
// API, with their time zone) have mixed caches; an admin dry-runs and saves "mixed-cache →
// migrate with backup", one machine at a time, and watches the machines go from pending to fixed
// as the simulated agents run the commands they are sent and report clean caches.
import { expect, test } from "../support/fixtures.js";
import { ActivityPage } from "../support/pages/activity-page.js";
import { MachinePage } from "../support/pages/machine-page.js";
import { RemediationPage } from "../support/pages/remediation-page.js";
import { enrollSimulatedMac, runSentMigrations } from "../support/simulated-macs.js";

test.use({ stackOptions: { per: "file", remediationIntervalMs: 500 } });

const mixed = { plaintext: 40, encrypted: 20 };
test("a remediation configured in the browser takes mixed caches from pending to fixed, one machine at a time", async ({ page, stack, signInPage }) => {
  const macs = [
    { mac: await enrollSimulatedMac(stack.url, stack.enrollmentSecret, "paris-mac"), timeZone: "Europe/Paris" },
    { mac: await enrollSimulatedMac(stack.url, stack.enrollmentSecret, "tokyo-mac"), timeZone: "Asia/Tokyo" },
  ];
  for (const { mac, timeZone } of macs) await mac.report({ takenAt: new Date(), cache: mixed, timeZone });

  await signInPage.signIn();
  const remediation = await new RemediationPage(page, stack.url).open();
  await remediation.fill({ name: "Fix mixed caches", rule: "mixed-cache", atOnce: 1 });
  const dryRun = await remediation.dryRun();
  expect(dryRun).toContain("It would act now on 1 machine");
  expect(dryRun).toContain("at the concurrency limit");
  await remediation.save();

  // One runs (its agent has not picked the command up yet), the other waits its turn.
  const states = [remediation.machineState("paris-mac"), remediation.machineState("tokyo-mac")];
  await expect(remediation.statesReading("remediation running")).toHaveCount(1, { timeout: 30_000 });
  await expect(remediation.statesReading("remediation pending")).toHaveCount(1);

  // The agents run what they are sent until both machines are fixed.
  await expect
    .poll(
      async () => {
        for (const { mac, timeZone } of macs) await runSentMigrations(mac, timeZone);
        return Promise.all(states.map(async (state) => (await state.textContent()) ?? ""));
      },
      { timeout: 60_000, intervals: [500] },
    )
    .toEqual(["fixed", "fixed"]);
  await expect(remediation.card()).toContainText("0 pending, 0 running, 2 fixed, 0 failed");

  // The machine's own page says so too.
  const machine = await new MachinePage(page, stack.url).open(macs[0]?.mac.machineId ?? "");
  await expect(machine.remediationState()).toHaveText("fixed");

  // Every run is in Activity under the remediation.
  const activity = await new ActivityPage(page, stack.url).open();
  await expect(activity.mention("remediation:Fix mixed caches").first()).toBeVisible();
});
