// A policy change re-evaluates findings: a simulated Mac with a plaintext Go 1.21 cache passes the
// default policy (encryption from Go 1.22); requiring encryption from Go 1.21 in the browser gives
// it a finding at once, without a new report.
import { expect, test } from "../support/fixtures.js";
import { ActivityPage } from "../support/pages/activity-page.js";
import { PolicyPage } from "../support/pages/policy-page.js";
import { createAgentClient, enrollMachines } from "../support/simulated-agent.js";
import { plaintextCacheReport } from "../support/simulated-macs.js";
import { admin } from "../support/stack.js";

test("requiring encryption from Go 1.21 gives a plaintext Go 1.21 cache a finding without a new report", async ({ page, stack, signInPage }) => {
  const database = stack.database();
  const [machine] = await enrollMachines(database.db, stack.enrollmentSecret, 1);
  if (!machine) throw new Error("no machine enrolled");
  const agent = createAgentClient(stack.url, machine.token);
  const outcome = await agent.agent.report.mutate(plaintextCacheReport("go121-mac", "go1.21.9"));
  expect(outcome.findings.map((finding) => finding.rule)).toEqual([]);
  const stored = () => database.db.machine.findUniqueOrThrow({ where: { id: machine.machineId }, select: { health: true, findingsCount: true, findingRules: true, latestReportId: true } });
  const before = await stored();
  expect(before).toMatchObject({ health: "healthy", findingsCount: 0, findingRules: "" });

  await signInPage.signIn();
  const policy = await new PolicyPage(page, stack.url).open();
  await expect(policy.requiredFromGo()).toHaveValue("1.22");

  // A mistake is shown next to its field and nothing is saved.
  await policy.requiredFromGo().fill("go1.21");
  await policy.save();
  await expect(policy.fieldError('Give a Go release such as "1.22"')).toBeVisible();
  expect((await database.db.policy.findUniqueOrThrow({ where: { id: "team" } })).requireEncryptedFromGo).toBe("1.22");

  const saved = await policy.requireEncryptionFrom("1.21");
  expect(saved).toContain("1 changed health");

  const after = await stored();
  // Go 1.21 cannot run the encrypted cache helper, so it is also asked to upgrade.
  expect(after).toMatchObject({ health: "warning", findingsCount: 2, findingRules: ",plaintext-cache,go-too-old-for-encryption,", latestReportId: before.latestReportId });
  expect(await database.db.report.count({ where: { machineId: machine.machineId } })).toBe(1);

  // The change is in the activity log, readable.
  const activity = await new ActivityPage(page, stack.url).open();
  await activity.filterByKind("Policy");
  await expect(activity.rows().first()).toContainText("encryption: from Go 1.22 → from Go 1.21");
  await expect(activity.rows().first()).toContainText(admin.email);
});
