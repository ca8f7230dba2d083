// The enrollment secret lifecycle: an admin creates a secret in the browser, a real agent
// downloaded from the dashboard's own URL enrolls with it and reports, the admin revokes the
// machine in the browser, and the agent is refused on its next report.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { waitFor } from "../support/agent-process.js";
import { expect, test } from "../support/fixtures.js";
import { ActivityPage } from "../support/pages/activity-page.js";
import { EnrollmentPage } from "../support/pages/enrollment-page.js";
import { FleetPage } from "../support/pages/fleet-page.js";

/** The words of one shown command line that follow `flag`. */
function flagValue(line: string, flag: string): string {
  const words = line.trim().split(/\s+/);
  const value = words[words.indexOf(flag) + 1];
  if (!words.includes(flag) || !value) throw new Error(`no ${flag} in: ${line}`);
  return value;
}

test("a secret created in the browser enrolls a downloaded agent, and a revoked machine is refused", async ({ page, stack, signInPage }) => {
  await signInPage.signIn();
  const enrollment = await new EnrollmentPage(page, stack.url).open();
  const { secret, commands } = await enrollment.createSecret("E2E laptops");
  expect(secret.length).toBeGreaterThanOrEqual(16);
  await expect(enrollment.secretRow("E2E laptops")).toContainText("active");

  // The shown commands name this dashboard and the new secret.
  const [download, enroll, install] = commands.split("\n");
  expect(download).toContain(`curl -fsSL ${stack.url}/downloads/cachefleet-agent.mjs -o ~/.cachefleet/cachefleet-agent.mjs`);
  expect(flagValue(enroll ?? "", "--server")).toBe(stack.url);
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
  const cli = path.join(stack.workDir, ".cachefleet", "cachefleet-agent.mjs");
  fs.mkdirSync(path.dirname(cli), { recursive: true });
  fs.writeFileSync(cli, body);

  const goRoot = path.join(stack.workDir, "laptop");
  fs.mkdirSync(path.join(goRoot, "go-build"), { recursive: true });
  const running = await stack.enrollAgent({ server: flagValue(enroll ?? "", "--server"), secret, name: "e2e-laptop", goRoot, cli });
  running.start();
  await waitFor("the first report", async () => (running.output().includes("reported:") ? true : null));

  // `status` judges by the team's policy once enrolled.
  const status: unknown = JSON.parse(await running.cli(["status", "--json"]));
  expect(status).toMatchObject({ policySource: `team policy from ${stack.url}`, policy: { requireEncryptedFromGo: "1.22" } });

  // The name given for the fleet does not hide the machine's own hostname.
  const machine = await (await new FleetPage(page, stack.url).open()).openMachine("e2e-laptop");
  await expect(machine.identityName()).toHaveText("e2e-laptop");
  await expect(machine.identityHostname()).toHaveText(os.hostname());

  await enrollment.open();
  await expect(enrollment.machineRow("e2e-laptop")).toContainText("E2E laptops");
  await expect(enrollment.secretRow("E2E laptops")).not.toContainText("never");

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

  const fleet = await new FleetPage(page, stack.url).open();
  await expect(fleet.heading()).toBeVisible();
  await expect(fleet.row("e2e-laptop")).toHaveCount(0);

  const activity = await new ActivityPage(page, stack.url).open();
  await expect(activity.row("revoked the machine e2e-laptop")).toBeVisible();
  await expect(activity.row("e2e-laptop enrolled with the secret “E2E laptops”")).toBeVisible();
  await expect(activity.row("created the enrollment secret “E2E laptops”")).toBeVisible();
});
