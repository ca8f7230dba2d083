// Command plans against a real Go 1.22 toolchain and a cache it really built: backup, clean,
// reinit, their refusals, cancel and timeout, and the migration refusing a Go without GOCACHEPROG.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StepName, StepStatus } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { createGoRunner } from "./commands.js";
import { describeBuilds, goBuildsOf, linuxProcesses } from "./go-builds.js";
import { runMigration, runPlan, type StepSink } from "./plan-runner.js";

const cleanWithBackup = { kind: "clean", options: { backup: true } } as const;

const go = "/usr/lib/go-1.22/bin/go";
let workDir: string;
let builtCache: string;

function goEnv(gocache: string): NodeJS.ProcessEnv {
  return { ...process.env, GOCACHE: gocache, GOPATH: path.join(workDir, "gopath"), GOTOOLCHAIN: "local", GOFLAGS: "-modcacherw", GOTELEMETRY: "off" };
}

class RecordingSink implements StepSink {
  readonly updates: { step: StepName; status: StepStatus; log: string }[] = [];
  /** Answers "cancel requested" from this update on, as the server does after an admin cancels. */
  cancelAfter: { step: StepName; status: StepStatus } | null = null;
  #cancelled = false;
  async update(step: StepName, status: StepStatus, log: string): Promise<{ cancelRequested: boolean }> {
    this.updates.push({ step, status, log });
    if (this.cancelAfter && this.cancelAfter.step === step && this.cancelAfter.status === status) this.#cancelled = true;
    return { cancelRequested: this.#cancelled };
  }
  finalStatus(step: StepName): StepStatus | undefined {
    return this.updates.filter((u) => u.step === step).at(-1)?.status;
  }
  log(step: StepName): string {
    return this.updates.filter((u) => u.step === step).map((u) => u.log).join("");
  }
}

/** A fresh copy of the real cache, so each test starts from the same state. */
function cacheCopy(name: string): string {
  const target = path.join(workDir, name, "go-build");
  fs.cpSync(builtCache, target, { recursive: true });
  return target;
}

async function withGoCache<T>(gocache: string, work: () => Promise<T>): Promise<T> {
  // The runner inherits the agent's environment, as on a developer's machine; point it at the copy.
  const saved = process.env.GOCACHE;
  process.env.GOCACHE = gocache;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.GOCACHE;
    else process.env.GOCACHE = saved;
  }
}

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync(go))("cache plans on a real Go 1.22 cache", () => {
  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-migration-"));
    builtCache = path.join(workDir, "built", "go-build");
    const module = path.join(workDir, "hello");
    fs.mkdirSync(module, { recursive: true });
    fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
    fs.writeFileSync(path.join(module, "main.go"), 'package main\n\nimport (\n\t"encoding/json"\n\t"net/http"\n)\n\nfunc main() { _ = json.Valid; _ = http.StatusOK }\n');
    execFileSync(go, ["build", "-o", path.join(workDir, "hello-bin"), "."], { cwd: module, env: goEnv(builtCache) });
  });


  it("backs up, cleans and re-initialises", async () => {
    const gocache = cacheCopy("full");
    const before = scanCache(gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runPlan({ gocache, runner: createGoRunner(go), sink, now: () => new Date(2026, 10, 23, 9, 5, 7) }, { id: "cmd-1", spec: cleanWithBackup, timeoutSeconds: 600 }),
    );
    expect(result).toMatchObject({ status: "succeeded", error: null, failedStep: null, before: before.entries });
    expect(result.backupPath).toBe(`${gocache}.backup-20261123-090507`);
    for (const step of ["backup", "clean"] as const) expect(sink.finalStatus(step)).toBe("succeeded");
    expect(scanCache(result.backupPath ?? "").entries).toEqual(before.entries);
    const reinit = await withGoCache(gocache, () => runPlan({ gocache, runner: createGoRunner(go), sink }, { id: "cmd-1b", spec: { kind: "reinit", options: {} }, timeoutSeconds: 600 }));
    expect(reinit.status).toBe("succeeded");
    const after = scanCache(gocache);
    expect(after.entries.count).toBeLessThan(before.entries.count);
    // `go list std` re-initialised the cache with the standard library's index entries.
    expect(after.formats.goindex?.count ?? 0).toBeGreaterThan(0);
    // The log says how many packages `go list std` printed, not all ~300 names.
    expect(sink.log("reinit")).toMatch(/^go list std: \d{3} standard library packages in the cache \(archive\/tar, archive\/zip, bufio and \d+ more\)$/m);
    expect(sink.log("reinit")).not.toContain("net/http");
  });

  it("refuses to migrate on Go 1.22 with a clear reason, before any backup or clean", async () => {
    const gocache = cacheCopy("old-go");
    const before = scanCache(gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runMigration({ gocache, runner: createGoRunner(go), sink }, { backup: true }, "cmd-old"),
    );
    expect(result).toMatchObject({ status: "failed", failedStep: null, backupPath: null });
    expect(result.error).toMatch(/^Refusing to migrate: go1\.22\.\d+ cannot keep an encrypted cache, because the GOCACHEPROG helper it needs arrived in Go 1\.24\. Upgrade Go/);
    expect(sink.updates).toEqual([]);
    expect(scanCache(gocache).entries).toEqual(before.entries);
    expect(fs.readdirSync(path.dirname(gocache))).toEqual(["go-build"]);
  });

  it("refuses to clean when the disk cannot hold a backup, leaving the cache untouched", async () => {
    const gocache = cacheCopy("short-disk");
    const before = scanCache(gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runPlan({ gocache, runner: createGoRunner(go), sink, freeBytes: () => before.entries.bytes }, { id: "cmd-2", spec: cleanWithBackup, timeoutSeconds: 600 }),
    );
    expect(result.status).toBe("failed");
    expect(result.failedStep).toBe("backup");
    expect(result.error).toMatch(/Not enough free disk/);
    expect(sink.updates.some((u) => u.step === "clean")).toBe(false);
    expect(scanCache(gocache).entries).toEqual(before.entries);
    expect(fs.readdirSync(path.dirname(gocache))).toEqual(["go-build"]);
  });

  it("skips the backup only when asked, and fails the step when go cannot run", async () => {
    const gocache = cacheCopy("no-backup");
    const sink = new RecordingSink();
    const cleanedAt: Date[] = [];
    const result = await withGoCache(gocache, () =>
      runPlan({ gocache, runner: createGoRunner(go), sink, onCleaned: (at) => cleanedAt.push(at) }, { id: "cmd-3", spec: { kind: "clean", options: { backup: false } }, timeoutSeconds: 600 }),
    );
    expect(result.status).toBe("succeeded");
    // The clean is handed to the agent's state, so the version drift probe knows the cache was emptied.
    expect(cleanedAt).toHaveLength(1);
    expect(result.backupPath).toBeNull();
    expect(sink.updates.some((u) => u.step === "backup")).toBe(false);

    const broken = await withGoCache(gocache, () =>
      runPlan(
        { gocache, runner: createGoRunner(path.join(workDir, "no-such-go")), sink: new RecordingSink(), onCleaned: (at) => cleanedAt.push(at) },
        { id: "cmd-4", spec: { kind: "clean", options: { backup: false } }, timeoutSeconds: 600 },
      ),
    );
    expect(broken).toMatchObject({ status: "failed", failedStep: "clean" });
    expect(cleanedAt).toHaveLength(1);
    expect(broken.error).toMatch(/ENOENT|not found/i);
  });
});

describe.skipIf(!fs.existsSync(go))("command plans on a real Go 1.22 cache", () => {
  beforeAll(() => {
    if (!workDir || !fs.existsSync(builtCache)) throw new Error("the migration suite above builds the cache first");
  });

  it("refuses a backup that does not verify, and never cleans", async () => {
    const gocache = cacheCopy("bad-backup");
    const before = scanCache(gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runPlan(
        {
          gocache,
          runner: createGoRunner(go),
          sink,
          // A copy that lost a file between copying and verifying, as a failing disk would leave it.
          afterBackupCopy: (destination) => {
            const bucket = fs.readdirSync(destination).find((name) => /^[0-9a-f]{2}$/.test(name) && fs.readdirSync(path.join(destination, name)).length > 0) ?? "";
            const victim = fs.readdirSync(path.join(destination, bucket))[0] ?? "";
            fs.rmSync(path.join(destination, bucket, victim));
          },
        },
        { id: "bad-backup", spec: cleanWithBackup, timeoutSeconds: 600 },
      ),
    );
    expect(result).toMatchObject({ status: "failed", failedStep: "backup" });
    expect(result.error).toMatch(/did not verify/);
    expect(sink.updates.some((u) => u.step === "clean")).toBe(false);
    expect(scanCache(gocache).entries).toEqual(before.entries);
  });

  it("stops at the next safe point when an admin cancels, keeping the backup", async () => {
    const gocache = cacheCopy("cancel");
    const before = scanCache(gocache);
    const sink = new RecordingSink();
    sink.cancelAfter = { step: "backup", status: "running" };
    const result = await withGoCache(gocache, () =>
      runPlan({ gocache, runner: createGoRunner(go), sink }, { id: "cancel", spec: cleanWithBackup, timeoutSeconds: 600 }),
    );
    expect(result.status).toBe("cancelled");
    expect(sink.finalStatus("backup")).toBe("succeeded");
    expect(sink.finalStatus("clean")).toBe("cancelled");
    expect(sink.updates.some((u) => u.step === "clean" && u.status === "running")).toBe(false);
    expect(scanCache(gocache).entries).toEqual(before.entries);
    expect(result.backupPath && scanCache(result.backupPath).entries).toEqual(before.entries);
  });

  it("times out a step that runs past the command's limit", async () => {
    const gocache = cacheCopy("slow");
    // A go that takes its time before doing the real work, like `go list std` on a cold, slow disk.
    const slowGo = path.join(workDir, "slow-go");
    fs.writeFileSync(slowGo, `#!/bin/sh\nsleep 5\nexec ${go} "$@"\n`, { mode: 0o755 });
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runPlan({ gocache, runner: createGoRunner(slowGo), sink }, { id: "slow", spec: { kind: "reinit", options: {} }, timeoutSeconds: 1 }),
    );
    expect(result).toMatchObject({ status: "timed-out", failedStep: "reinit" });
    expect(result.error).toMatch(/1 s limit/);
  });

  it("refuses to touch the cache while a Go build runs, retriably", async () => {
    const gocache = cacheCopy("busy");
    // A process named like the Go compiler, owned by this user.
    const compile = path.join(workDir, "compile");
    fs.copyFileSync("/bin/sleep", compile);
    fs.chmodSync(compile, 0o755);
    // Started through a shell, as a developer's terminal would, so its parent is not this process
    // (the agent ignores its own children); each in its own process group so it can be stopped.
    const startBuild = (cache: string) =>
      spawn("/bin/sh", ["-c", `"${compile}" 30 & wait`], { stdio: "ignore", detached: true, env: { ...process.env, GOCACHE: cache } });
    const child = startBuild(gocache);
    const elsewhere = startBuild(path.join(workDir, "another-cache"));
    const pidsOf = (shell: ReturnType<typeof spawn>) =>
      linuxProcesses().filter((proc) => proc.ppid === shell.pid).map((proc) => proc.pid);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const uid = process.getuid?.() ?? 0;
      const busyReason = async () => {
        const builds = goBuildsOf(linuxProcesses(), uid, process.pid, gocache);
        // A build on another cache does not count.
        for (const pid of pidsOf(elsewhere)) expect(builds.map((build) => build.pid)).not.toContain(pid);
        return builds.length > 0 ? describeBuilds(builds) : null;
      };
      const sink = new RecordingSink();
      const result = await runPlan({ gocache, runner: createGoRunner(go), sink, busyReason }, { id: "busy", spec: cleanWithBackup, timeoutSeconds: 600 });
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(/A Go build is using the cache right now: compile \(pid \d+\)\. Retry/);
      expect(sink.updates).toEqual([]);
      // A rescan reads only, so it still runs.
      expect((await runPlan({ gocache, runner: createGoRunner(go), sink, busyReason }, { id: "scan", spec: { kind: "rescan", options: {} }, timeoutSeconds: 600 })).status).toBe("succeeded");
    } finally {
      for (const shell of [child, elsewhere]) if (shell.pid !== undefined) process.kill(-shell.pid, "SIGKILL");
    }
  });

  it("prunes only this cache's own backups older than the limit", async () => {
    const gocache = cacheCopy("prune");
    const parent = path.dirname(gocache);
    for (const name of ["go-build.backup-20261001-101010", "go-build.backup-20261120-080000", "go-build.backup-notadate", "other.backup-20200101-000000"]) {
      fs.mkdirSync(path.join(parent, name));
    }
    const sink = new RecordingSink();
    const result = await runPlan(
      { gocache, runner: createGoRunner(go), sink, now: () => new Date(2026, 10, 23, 12, 0, 0) },
      { id: "prune", spec: { kind: "prune-backups", options: { olderThanDays: 30 } }, timeoutSeconds: 600 },
    );
    expect(result.status).toBe("succeeded");
    expect(result.prunedBackups).toEqual([path.join(parent, "go-build.backup-20261001-101010")]);
    expect(fs.readdirSync(parent).sort()).toEqual(["go-build", "go-build.backup-20261120-080000", "go-build.backup-notadate", "other.backup-20200101-000000"]);
  });
});
