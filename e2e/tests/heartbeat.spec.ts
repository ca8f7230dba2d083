// A machine that only sends heartbeats, in Chromium against the real dashboard: its last full
// report was hours ago and it went offline; a heartbeat brings it back online on the open fleet
// page (no reload, no new report row), and its page still shows that last full report.
import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter } from "@cachefleet/api";
import { expect, test } from "../support/fixtures.js";
import { createAgentClient } from "../support/simulated-agent.js";
import { simulatedReport } from "../support/simulated-macs.js";

const hour = 3_600_000;

test("a heartbeat-only machine shows online on the open fleet page, and its page still shows its last full report", async ({ stack, signInPage }) => {
  const database = stack.database();
  const report = simulatedReport(
    { hostname: "quiet-mbp", username: "quin", arch: "arm64", rosetta: false, macosVersion: "15.1", keychain: true, goVersions: ["go1.22.2"], verdict: "encrypted", entries: 1234, bytes: 80 * 1024 ** 2 },
    new Date(Date.now() - 3 * hour),
  );
  const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${stack.url}/api/trpc` })] });
  const enrolled = await anonymous.agent.enroll.mutate({ secret: stack.enrollmentSecret, machine: report.machine });
  const machineId = enrolled.machineId;
  const agent = createAgentClient(stack.url, enrolled.token);
  const digest = (await agent.agent.report.mutate(report)).digest;
  // Its last contact was that report, three hours ago: offline under the default 60 minutes.
  await database.db.machine.update({ where: { id: machineId }, data: { lastSeenAt: new Date(Date.now() - 3 * hour) } });

  const fleet = await signInPage.signIn();
  await expect(fleet.row("quiet-mbp")).toContainText("offline");

  expect(await agent.agent.heartbeat.mutate({ agentVersion: "0.1.0", reportDigest: digest })).toEqual({ sendFullReport: false });
  // The open page hears of it through its live feed.
  await expect(fleet.row("quiet-mbp")).toContainText("online", { timeout: 30_000 });
  await expect(fleet.row("quiet-mbp")).not.toContainText("offline");
  expect(await database.db.report.count({ where: { machineId } })).toBe(1);

  const machine = await fleet.openMachine("quiet-mbp");
  await expect(machine.entries()).toHaveText("1,234");
  await expect(machine.mention("macOS 15.1").first()).toBeVisible();
});
