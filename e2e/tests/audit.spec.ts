// The audit page with simulated Macs reporting through the real API: counts per check, the CSV
// download through the browser (quoting and formula guarding included), and a migration pushed to
// the listed machines, followed on its batch page.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { SignInPage } from "../support/pages.js";
import { enrollSimulatedMac } from "../support/simulated-macs.js";
import { admin, makeWorkDir, startDashboard, type Dashboard } from "../support/stack.js";

let workDir: string;
let dashboard: Dashboard | undefined;

test.afterEach(async () => {
  await dashboard?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** A hostname a spreadsheet would run as a formula, with a comma and quotes to escape. */
const hostileHostname = '=HYPERLINK("x"),mac';

test("the audit counts machines per check, downloads them as CSV and pushes a migration to them", async ({ page }) => {
  workDir = makeWorkDir("audit");
  dashboard = await startDashboard(workDir);
  const { url, enrollmentSecret } = dashboard;
  const takenAt = new Date();
  const plain = await enrollSimulatedMac(url, enrollmentSecret, "plain-mac");
  await plain.report({ takenAt, cache: { plaintext: 120, encrypted: 0 } });
  const hostile = await enrollSimulatedMac(url, enrollmentSecret, hostileHostname);
  await hostile.report({ takenAt, cache: { plaintext: 80, encrypted: 0 } });
  const mixed = await enrollSimulatedMac(url, enrollmentSecret, "mixed-mac");
  await mixed.report({ takenAt, cache: { plaintext: 50, encrypted: 50 } });
  const rosetta = await enrollSimulatedMac(url, enrollmentSecret, "rosetta-mac");
  await rosetta.report({
    takenAt,
    cache: { plaintext: 0, encrypted: 90 },
    probes: { hardware: { status: "ok", machine: "arm64", appleSilicon: true, agentTranslated: false, macos: null, goHostArch: "amd64", goUnderRosetta: true, notes: [] } },
  });
  const healthy = await enrollSimulatedMac(url, enrollmentSecret, "healthy-mac");
  await healthy.report({ takenAt, cache: { plaintext: 0, encrypted: 90 } });

  // Without a session, no CSV.
  expect((await fetch(`${url}/audit/export?check=all`)).status).toBe(401);

  await new SignInPage(page).signIn(url, admin.email, admin.password);
  // "Fleet" alone also matches the sign-in page's "Sign in to Cachefleet" heading.
  await expect(page.getByRole("heading", { name: "Fleet", exact: true })).toBeVisible();
  await page.goto(`${url}/audit`);
  await expect(page.getByRole("heading", { name: "Audit" })).toBeVisible();

  const counts: [string, number][] = [
    ["plaintext", 2], ["mixed", 1], ["keychain-missing", 0], ["shared-across-versions", 0], ["rosetta", 1], ["permissions", 0], ["env-not-persisted", 0],
  ];
  for (const [check, count] of counts) {
    await expect(page.getByTestId(`check-${check}`).getByTestId("check-count")).toHaveText(String(count));
  }

  // The plaintext check is the page's first view; its machines link to their pages.
  await expect(page.getByRole("heading", { name: "Plaintext cache" })).toBeVisible();
  const rows = page.getByTestId("audit-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "plain-mac" })).toContainText("go1.22.2");
  await expect(rows.filter({ hasText: "plain-mac" }).getByRole("link", { name: "plain-mac" })).toHaveAttribute("href", `/machines/${plain.machineId}`);

  // The check's CSV, downloaded by the browser.
  const downloading = page.waitForEvent("download");
  await page.getByTestId("export-check").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^cachefleet-audit-plaintext-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), "utf8");
  const lines = csv.split("\r\n");
  expect(lines[0]).toBe("hostname,user,go_version,cache_verdict,keychain_key,rosetta,failing_rules,last_seen,machine_id");
  // The Keychain and Rosetta cells are empty until reports fill those machine columns.
  const row = (hostname: string, machineId: string) =>
    expect.stringMatching(new RegExp(`^${escapeRegExp(hostname)},dev,go1\\.22\\.2,plaintext,(present)?,(false)?,plaintext-cache go-too-old-for-encryption,\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z,${machineId}$`));
  expect(lines.slice(1, -1).sort()).toEqual([row(`"'=HYPERLINK(""x""),mac"`, hostile.machineId), row("plain-mac", plain.machineId)]);
  expect(lines.at(-1)).toBe("");

  // The other checks are a click away; the rosetta machine is listed there.
  await page.getByTestId("check-rosetta").click();
  await expect(page.getByRole("heading", { name: "Go under Rosetta" })).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("rosetta-mac");
  // No migration is offered where migrating does not fix the check.
  await expect(page.getByRole("button", { name: "Migrate these machines" })).toHaveCount(0);

  // A migration to the plaintext machines, confirmed with a backup, followed on its batch page.
  await page.getByTestId("check-plaintext").click();
  await page.getByRole("button", { name: "Migrate these machines" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Migrate 2 machines?" });
  await expect(dialog.getByRole("checkbox", { name: "Keep a backup of each cache" })).toBeChecked();
  await dialog.getByRole("button", { name: "Push the migration" }).click();
  await expect(page.getByTestId("push-result")).toContainText("Migration pushed to 2 machines.");
  await page.getByRole("link", { name: "Follow the batch" }).click();
  await expect(page.getByRole("heading", { name: "migrate on 2 machines" })).toBeVisible();
  const batchRows = page.getByTestId("batch-row");
  await expect(batchRows).toHaveCount(2);
  await expect(batchRows.filter({ hasText: "plain-mac" })).toHaveCount(1);
  await expect(batchRows.filter({ hasText: hostileHostname })).toHaveCount(1);
  const [delivered] = await plain.client.agent.pendingCommands.query();
  expect(delivered?.spec).toEqual({ kind: "migrate", options: { backup: true } });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
