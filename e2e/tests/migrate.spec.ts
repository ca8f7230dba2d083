// The product's central loop end to end: a real Go 1.24 cache in plaintext, a real agent (its key
// in the agent's key file, as on Linux), the real dashboard on a fresh SQLite database, and
// Chromium: sign in, see the plaintext finding, migrate, and watch the machine turn healthy with its
// hit rate on the machine and fleet pages; on disk the cache is sealed and the backup plaintext.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { scanCache } from "@cachefleet/gocache";
import { expect, test } from "../support/fixtures.js";
import { fillGoCache, go124 } from "../support/go-cache.js";

test("an admin migrates a machine's real Go 1.24 cache to the encrypted cache, and it turns healthy", async ({ stack, signInPage }) => {
  // Compiling the helper and rebuilding through it on a shared, loaded machine takes minutes.
  test.setTimeout(900_000);
  const gocache = await fillGoCache(stack.workDir, go124);
  const before = scanCache(gocache);
  expect(before.entries.count).toBeGreaterThan(500);
  expect(before.verdict).toBe("plaintext");

  await stack.startAgent(go124);
  const hostname = os.hostname();

  const fleet = await signInPage.signIn();
  await expect(fleet.row(hostname)).toContainText("go1.24");
  const machine = await fleet.openMachine(hostname);

  await expect(machine.finding("plaintext-cache")).toContainText("Go never encrypts its build cache by itself");
  await expect(machine.finding("plaintext-cache")).toContainText("switches the machine to Cachefleet's encrypted cache");
  await machine.migrate();

  const command = machine.latestCommand();
  await expect(command.status()).toHaveText("succeeded", { timeout: 600_000 });
  for (const step of ["backup", "clean", "enable", "reinit", "verify"]) {
    await expect(command.step(step)).toContainText("succeeded");
  }

  // The next report: no findings under the default policy, and the helper's hit rate charted.
  await expect(machine.noFindings()).toBeVisible({ timeout: 120_000 });
  await expect(machine.hitRateChart()).toBeVisible({ timeout: 60_000 });

  // On disk: every entry sealed, none plaintext; the backup holds the plaintext cache.
  const after = scanCache(gocache);
  expect(after.verdict).toBe("encrypted");
  expect(after.classes.plaintext.count).toBe(0);
  const backups = fs.readdirSync(path.dirname(gocache)).filter((name) => name.startsWith(`${path.basename(gocache)}.backup-`));
  expect(backups).toHaveLength(1);
  const backup = scanCache(path.join(path.dirname(gocache), backups[0] ?? ""));
  expect(backup.verdict).toBe("plaintext");
  expect(backup.entries.count).toBeGreaterThanOrEqual(before.entries.count);

  // The fleet shows the machine healthy with its hit rate, and the team's.
  await fleet.open();
  await expect(fleet.cell(hostname, "hit-rate")).toContainText(/\d+% hits/);
  await expect(fleet.teamHitRate()).toContainText(/Team hit rate: \d+%/);
});
