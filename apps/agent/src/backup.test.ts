// Backups against what a hostile GOCACHE, a small disk, a time limit and a killed agent do to them:
// real files in Go's cache layout, real `go clean -cache` (Go 1.22), and a real small tmpfs when
// the tests run as root (mounting needs it; otherwise those tests are skipped and say why).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StepName, StepStatus } from "@cachefleet/contract";
import { backupCache, countTree, listPartialCopies } from "./backup.js";
import { createGoRunner } from "./commands.js";
import { runPlan, type StepSink } from "./plan-runner.js";
import { backupsOlderThan, listBackups } from "./prune.js";

const go = "/usr/lib/go-1.22/bin/go";
let dir: string;

class RecordingSink implements StepSink {
  readonly updates: { step: StepName; status: StepStatus; log: string }[] = [];
  async update(step: StepName, status: StepStatus, log: string): Promise<{ cancelRequested: boolean }> {
    this.updates.push({ step, status, log });
    return { cancelRequested: false };
  }
  log(step: StepName): string {
    return this.updates.filter((u) => u.step === step).map((u) => u.log).join("");
  }
}

/** The go the plan runs inherits the agent's environment: point it at the test's cache. */
async function withGoCache<T>(gocache: string, work: () => Promise<T>): Promise<T> {
  const saved = { GOCACHE: process.env.GOCACHE, GOTOOLCHAIN: process.env.GOTOOLCHAIN, GOTELEMETRY: process.env.GOTELEMETRY };
  Object.assign(process.env, { GOCACHE: gocache, GOTOOLCHAIN: "local", GOTELEMETRY: "off" });
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** A cache in Go's layout: `entries` action/output pairs of `outputBytes` each, spread over buckets. */
function fakeCache(gocache: string, entries: number, outputBytes: number): void {
  fs.mkdirSync(gocache, { recursive: true });
  fs.writeFileSync(path.join(gocache, "README"), "This directory holds cached build artifacts from the Go build system.\n");
  for (let i = 0; i < entries; i += 1) {
    const id = randomBytes(32).toString("hex");
    const bucket = path.join(gocache, id.slice(0, 2));
    fs.mkdirSync(bucket, { recursive: true });
    const output = randomBytes(32).toString("hex");
    fs.writeFileSync(path.join(bucket, `${id}-a`), `v1 ${id} ${output} ${outputBytes} 1700000000000000000\n`);
    fs.writeFileSync(path.join(bucket, `${output}-d`), Buffer.alloc(outputBytes, 7));
  }
}

/** A tmpfs of `bytes` at a new folder, or null when this process may not mount (not root). */
function smallDisk(bytes: number): string | null {
  const mountPoint = fs.mkdtempSync(path.join(dir, "disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes},mode=0700`, "tmpfs", mountPoint], { stdio: "pipe" });
    mounted.push(mountPoint);
    return mountPoint;
  } catch {
    return null;
  }
}
const mounted: string[] = [];
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe], { stdio: "pipe" });
    execFileSync("umount", [probe]);
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
})();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-backup-"));
});

afterEach(() => {
  for (const mountPoint of mounted.splice(0)) execFileSync("umount", ["-l", mountPoint]);
  fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(() => {
  for (const mountPoint of mounted.splice(0)) execFileSync("umount", ["-l", mountPoint]);
});

describe.skipIf(!fs.existsSync(go))("a GOCACHE that is a symbolic link", () => {
  it("backs up the real cache's contents (and says so), so clean leaves a full backup", async () => {
    const real = path.join(dir, "elsewhere", "real-cache");
    fakeCache(real, 300, 2000);
    const before = await countTree(real);
    const gocache = path.join(dir, "home", "go-build");
    fs.mkdirSync(path.dirname(gocache));
    fs.symlinkSync(real, gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runPlan(
        { gocache, runner: createGoRunner(go), sink, now: () => new Date(2026, 10, 23, 9, 5, 7) },
        { id: "symlinked", spec: { kind: "clean", options: { backup: true } }, timeoutSeconds: 600 },
      ),
    );
    expect(result.status).toBe("succeeded");
    expect(sink.log("backup")).toContain(`GOCACHE ${gocache} is a symbolic link to ${real}; backing up the contents of ${real}, not the link`);
    const backup = `${gocache}.backup-20261123-090507`;
    expect(result.backupPath).toBe(backup);
    expect(fs.lstatSync(backup).isDirectory()).toBe(true);
    // The real go clean emptied the real cache; the backup still holds every entry.
    expect((await countTree(real)).files).toBeLessThan(before.files);
    const kept = await countTree(backup);
    expect({ files: kept.files, bytes: kept.bytes }).toEqual({ files: before.files, bytes: before.bytes });
  });

  it("refuses a link that leads nowhere, and never cleans", async () => {
    const gocache = path.join(dir, "go-build");
    fs.symlinkSync(path.join(dir, "gone"), gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runPlan({ gocache, runner: createGoRunner(go), sink }, { id: "dangling", spec: { kind: "clean", options: { backup: true } }, timeoutSeconds: 600 }),
    );
    expect(result).toMatchObject({ status: "failed", failedStep: "backup" });
    expect(result.error).toMatch(/symbolic link that leads nowhere/);
    expect(sink.updates.some((u) => u.step === "clean")).toBe(false);
  });
});

describe("the free-space check", () => {
  it("counts disk blocks, not file bytes: many small entries are refused on a disk they would fill", async () => {
    const entries = 1200;
    const probe = path.join(dir, "probe");
    fakeCache(probe, entries, 100);
    const totals = await countTree(probe, 4096);
    // 2,400 files of about 100 bytes: a quarter MB of bytes, about 10 MB of 4 KB blocks.
    expect(totals.bytes).toBeLessThan(400_000);
    expect(totals.diskBytes).toBeGreaterThan(entries * 2 * 4096);
    const free = 4_000_000;
    await expect(backupCache(probe, { at: new Date(), freeBytes: () => free, log: () => undefined })).rejects.toThrow(/Not enough free disk.*disk use/);
    expect(fs.readdirSync(dir).sort()).toEqual(["probe"]);
  });

  it.skipIf(!canMount)("refuses, on a real small disk, a backup whose bytes fit but whose blocks do not (as root: a 16 MB tmpfs)", async () => {
    const disk = smallDisk(16 * 1024 * 1024);
    if (!disk) throw new Error("mount failed although the probe mounted");
    const gocache = path.join(disk, "go-build");
    fakeCache(gocache, 1200, 100);
    const before = await countTree(gocache);
    const free = fs.statfsSync(disk).bavail * fs.statfsSync(disk).bsize;
    // The old check (bytes + 10 %) would have let it start; the copy would then have filled the disk.
    expect(before.bytes * 1.1).toBeLessThan(free);
    await expect(backupCache(gocache, { at: new Date(), log: () => undefined })).rejects.toThrow(/Not enough free disk/);
    expect(fs.readdirSync(disk)).toEqual(["go-build"]);
    expect(await countTree(gocache)).toEqual(before);
  });

  it.skipIf(!canMount)("removes the partial copy when the disk fills up during the copy anyway (as root: a real tmpfs)", async () => {
    const disk = smallDisk(16 * 1024 * 1024);
    if (!disk) throw new Error("mount failed although the probe mounted");
    const gocache = path.join(disk, "go-build");
    fakeCache(gocache, 1200, 100);
    const before = await countTree(gocache);
    // Free space read as plenty, as when another program fills the disk after the check.
    const attempt = backupCache(gocache, { at: new Date(2026, 0, 2, 3, 4, 5), freeBytes: () => 1e12, log: () => undefined });
    await expect(attempt).rejects.toThrow(/disk filled up .*partial copy was removed/);
    expect(fs.readdirSync(disk)).toEqual(["go-build"]);
    expect(listBackups(gocache)).toEqual([]);
    expect(await countTree(gocache)).toEqual(before);
  });
});

describe("a backup's copy", () => {
  it("is written under a .partial name and renamed only once it verifies", async () => {
    const gocache = path.join(dir, "go-build");
    fakeCache(gocache, 50, 500);
    const seen: string[] = [];
    const backup = await backupCache(gocache, {
      at: new Date(2026, 0, 2, 3, 4, 5),
      log: () => undefined,
      afterCopy: (partial) => seen.push(partial, String(fs.existsSync(`${gocache}.backup-20260102-030405`))),
    });
    expect(seen).toEqual([`${gocache}.backup-20260102-030405.partial`, "false"]);
    expect(backup.path).toBe(`${gocache}.backup-20260102-030405`);
    expect(fs.readdirSync(dir).sort()).toEqual(["go-build", "go-build.backup-20260102-030405"]);
  });

  it("that does not verify is removed, never left under a backup's name", async () => {
    const gocache = path.join(dir, "go-build");
    fakeCache(gocache, 50, 500);
    const attempt = backupCache(gocache, {
      at: new Date(),
      log: () => undefined,
      afterCopy: (partial) => fs.writeFileSync(path.join(partial, "README"), "changed underneath"),
    });
    await expect(attempt).rejects.toThrow(/did not verify/);
    expect(fs.readdirSync(dir)).toEqual(["go-build"]);
  });

  it("left by a killed agent is never listed as a backup, and the next backup or prune removes it", async () => {
    const gocache = path.join(dir, "go-build");
    fakeCache(gocache, 20, 500);
    const partial = `${gocache}.backup-20200101-000000.partial`;
    fs.cpSync(gocache, partial, { recursive: true });
    expect(listBackups(gocache)).toEqual([]);
    expect(listPartialCopies(gocache)).toEqual([partial]);

    const lines: string[] = [];
    await backupCache(gocache, { at: new Date(2026, 0, 2, 3, 4, 5), log: (line) => lines.push(line) });
    expect(lines[0]).toBe(`removing ${partial}, a copy an earlier backup left unfinished (never a backup)`);
    expect(fs.readdirSync(dir).sort()).toEqual(["go-build", "go-build.backup-20260102-030405"]);

    fs.cpSync(gocache, partial, { recursive: true });
    const sink = new RecordingSink();
    const pruned = await runPlan(
      { gocache, runner: createGoRunner(go), sink, now: () => new Date(2026, 0, 2, 4, 0, 0) },
      { id: "prune", spec: { kind: "prune-backups", options: { olderThanDays: 30 } }, timeoutSeconds: 600 },
    );
    expect(pruned.status).toBe("succeeded");
    expect(sink.log("prune")).toContain(`removing ${partial}`);
    expect(fs.readdirSync(dir).sort()).toEqual(["go-build", "go-build.backup-20260102-030405"]);
  });

  it("stops when the command's time limit passes, removes its partial copy, and moves the journal no more", async () => {
    const gocache = path.join(dir, "go-build");
    fakeCache(gocache, 2000, 2000);
    const journal: string[] = [];
    let returned = false;
    const result = await runPlan(
      {
        gocache,
        runner: createGoRunner(go),
        sink: new RecordingSink(),
        onProgress: (step, backupPath, done) => {
          journal.push(`${returned ? "AFTER THE END " : ""}${step ?? "end"} ${backupPath ?? "-"} ${done ? "done" : ""}`.trim());
          // The copy is about to start: hold the agent up past the 1 s limit, as a slow disk would.
          if (backupPath?.endsWith(".partial")) {
            const until = Date.now() + 1500;
            while (Date.now() < until);
          }
        },
      },
      { id: "slow-backup", spec: { kind: "backup", options: {} }, timeoutSeconds: 1 },
    );
    returned = true;
    expect(result).toMatchObject({ status: "timed-out", failedStep: "backup", backupPath: null });
    // Whatever was still running would have finished by now.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(journal.filter((line) => line.startsWith("AFTER THE END"))).toEqual([]);
    expect(journal.at(-1)).toBe("end -");
    expect(fs.readdirSync(dir)).toEqual(["go-build"]);
  });
});

describe("pruning", () => {
  it("never removes a backup of the last day, whatever age the command asks for", async () => {
    const gocache = path.join(dir, "go-build");
    fakeCache(gocache, 5, 100);
    const now = new Date(2026, 10, 23, 12, 0, 0);
    for (const name of ["go-build.backup-20261123-115950", "go-build.backup-20261122-130000", "go-build.backup-20261120-080000"]) {
      fs.mkdirSync(path.join(dir, name));
    }
    expect(backupsOlderThan(listBackups(gocache), -1000, now).map((backup) => path.basename(backup.path))).toEqual(["go-build.backup-20261120-080000"]);
    expect(backupsOlderThan(listBackups(gocache), 0, now).map((backup) => path.basename(backup.path))).toEqual(["go-build.backup-20261120-080000"]);
    expect(backupsOlderThan(listBackups(gocache), Number.NaN, now)).toEqual([]);
    // Even a plan handed an out-of-contract age (the daemon refuses one first) keeps them.
    const sink = new RecordingSink();
    const result = await runPlan(
      { gocache, runner: createGoRunner(go), sink, now: () => now },
      { id: "prune", spec: { kind: "prune-backups", options: { olderThanDays: -1000 } }, timeoutSeconds: 600 },
    );
    expect(result.prunedBackups).toEqual([path.join(dir, "go-build.backup-20261120-080000")]);
    expect(fs.readdirSync(dir).sort()).toEqual(["go-build", "go-build.backup-20261122-130000", "go-build.backup-20261123-115950"]);
  });
});
