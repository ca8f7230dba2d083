// The audit page with simulated Macs reporting through the real API: counts per check, the CSV
// download through the browser (quoting and formula guarding included), and a migration pushed to
// the listed machines, followed on its batch page.
import fs from "node:fs";
import { expect, test } from "../support/fixtures.js";
import { AuditPage } from "../support/pages/audit-page.js";
import { enrollSimulatedMac } from "../support/simulated-macs.js";

/** A hostname a spreadsheet would run as a formula, with a comma and quotes to escape. */
const hostileHostname = '=HYPERLINK("x"),mac';

test("the audit counts machines per check, downloads them as CSV and pushes a migration to them", async ({ page, stack, signInPage }) => {
  const { url, enrollmentSecret } = stack;
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

  await signInPage.signIn();
  const audit = await new AuditPage(page, url).open();
  await expect(audit.heading()).toBeVisible();

  const counts: [string, number][] = [
    ["plaintext", 2], ["mixed", 1], ["keychain-missing", 0], ["shared-across-versions", 0], ["rosetta", 1], ["permissions", 0], ["env-not-persisted", 0],
  ];
  for (const [check, count] of counts) {
    await expect(audit.checkCount(check)).toHaveText(String(count));
  }

  // The plaintext check is the page's first view; its machines link to their pages.
  await expect(audit.heading("Plaintext cache")).toBeVisible();
  const rows = audit.rows();
  await expect(rows).toHaveCount(2);
  await expect(audit.row("plain-mac")).toContainText("go1.22.2");
  await expect(audit.machineLink("plain-mac")).toHaveAttribute("href", `/machines/${plain.machineId}`);

  // The check's CSV, downloaded by the browser.
  const download = await audit.exportCheck();
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
  await audit.showCheck("rosetta");
  await expect(audit.heading("Go under Rosetta")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("rosetta-mac");
  // No migration is offered where migrating does not fix the check.
  await expect(audit.migrateTheseButton()).toHaveCount(0);

  // A migration to the plaintext machines, confirmed with a backup, followed on its batch page.
  await audit.showCheck("plaintext");
  const dialog = await audit.openMigrateThese(2);
  await expect(dialog.keepBackup("Keep a backup of each cache")).toBeChecked();
  await dialog.push();
  await expect(audit.pushResult()).toContainText("Migration pushed to 2 machines.");
  const batch = await audit.followBatch();
  await expect(batch.heading(2)).toBeVisible();
  await expect(batch.rows()).toHaveCount(2);
  await expect(batch.row("plain-mac")).toHaveCount(1);
  await expect(batch.row(hostileHostname)).toHaveCount(1);
  const [delivered] = await plain.client.agent.pendingCommands.query();
  expect(delivered?.spec).toEqual({ kind: "migrate", options: { backup: true } });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
