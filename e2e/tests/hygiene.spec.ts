// Cache hygiene end to end: a real Go 1.22 cache whose entries were last used 10 days ago and
// whose trim.txt says Go last trimmed 9 days ago; a real agent reports it; the audit lists the
// machine under "Stale trim" with the bytes a trim would free; a bulk trim runs and the
// reclaimable bytes drop to zero, in the browser and on disk.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { scanCache } from "@cachefleet/gocache";
import { expect, test } from "../support/fixtures.js";
import { fillGoCache } from "../support/go-cache.js";
import { AuditPage } from "../support/pages/audit-page.js";

test("the audit lists a machine whose trim is stale, and a bulk trim frees what Go's trim would", async ({ page, stack, signInPage }) => {
  // A real go build, a real agent and a trim of hundreds of entries: on a loaded machine this
  // takes minutes. The limits only stop a hang; nothing here is timed.
  test.setTimeout(900_000);
  const gocache = await fillGoCache(stack.workDir);
  // Half the entries last used 10 days ago; Go's last trim 9 days ago (a restored trim.txt).
  const buckets = fs.readdirSync(gocache).filter((name) => /^[0-9a-f]{2}$/.test(name));
  const entries = buckets.flatMap((bucket) => fs.readdirSync(path.join(gocache, bucket)).filter((n) => /-[ad]$/.test(n)).map((n) => path.join(gocache, bucket, n)));
  const aged = entries.filter((_, i) => i % 2 === 0);
  execFileSync("touch", ["-m", "-d", "10 days ago", ...aged]);
  fs.writeFileSync(path.join(gocache, "trim.txt"), String(Math.floor(Date.now() / 1000) - 9 * 86_400));
  const before = scanCache(gocache);
  expect(before.trim?.unused.count).toBe(aged.length);
  expect(before.trim?.unused.bytes).toBeGreaterThan(0);

  await stack.startAgent();

  await signInPage.signIn();
  const audit = await new AuditPage(page, stack.url).open("stale-trim");
  await expect(audit.heading("Stale trim")).toBeVisible();
  await expect(audit.checkCount("stale-trim")).toHaveText("1", { timeout: 300_000 });
  await expect(audit.row(os.hostname())).toBeVisible();
  const reclaimable = audit.reclaimableBytes();
  await expect(reclaimable).not.toHaveText("0 B");
  await expect(audit.staleTrimMachines()).toHaveText("1");

  // The push dialog says what the trim frees before anything runs.
  await audit.openTrim();
  await expect(audit.trimFrees()).toHaveText((await reclaimable.textContent()) ?? "");
  await audit.pushTrim();
  await expect(audit.pushResult()).toContainText("Trim pushed to 1 machine");

  // The agent trims and reports again: nothing left to reclaim, no machine with a stale trim.
  await expect(reclaimable).toHaveText("0 B", { timeout: 600_000 });
  await expect(audit.staleTrimMachines()).toHaveText("0");
  await expect(audit.checkCount("stale-trim")).toHaveText("0");

  // On disk: exactly the aged entries are gone, and Go's trim time is now.
  const after = scanCache(gocache);
  expect(after.trim?.unused).toEqual({ count: 0, bytes: 0 });
  // The aged entries are gone, except any that the agent's own go commands used since (Go then
  // moves an entry's mtime to now, so Go's trim would keep it too); the others are all kept.
  const usedSince = aged.filter((file) => fs.existsSync(file));
  expect(usedSince.filter((file) => Date.now() - fs.statSync(file).mtimeMs > 86_400_000)).toEqual([]);
  expect(usedSince.length).toBeLessThan(aged.length / 10);
  expect(entries.filter((_, i) => i % 2 === 1).filter((file) => !fs.existsSync(file))).toEqual([]);
  expect(after.entries.count).toBeGreaterThanOrEqual(before.entries.count - aged.length);
  expect(Date.now() - Date.parse(after.trim?.lastTrimAt ?? "")).toBeLessThan(3_600_000);
});
