// The migration plan against a real Go 1.22 toolchain and a cache it really built.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StepName, StepStatus } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { createGoRunner } from "./commands.js";
import { runMigration, type StepSink } from "./migration.js";

const go = "/usr/lib/go-1.22/bin/go";
let workDir: string;
let builtCache: string;

function goEnv(gocache: string): NodeJS.ProcessEnv {
  return { ...process.env, GOCACHE: gocache, GOPATH: path.join(workDir, "gopath"), GOTOOLCHAIN: "local", GOFLAGS: "-modcacherw", GOTELEMETRY: "off" };
}

class RecordingSink implements StepSink {
  readonly updates: { step: StepName; status: StepStatus; log: string }[] = [];
  async update(step: StepName, status: StepStatus, log: string): Promise<void> {
    this.updates.push({ step, status, log });
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

describe.skipIf(!fs.existsSync(go))("migration on a real Go 1.22 cache", () => {
  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-migration-"));
    builtCache = path.join(workDir, "built", "go-build");
    const module = path.join(workDir, "hello");
    fs.mkdirSync(module, { recursive: true });
    fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
    fs.writeFileSync(path.join(module, "main.go"), 'package main\n\nimport (\n\t"encoding/json"\n\t"net/http"\n)\n\nfunc main() { _ = json.Valid; _ = http.StatusOK }\n');
    execFileSync(go, ["build", "-o", path.join(workDir, "hello-bin"), "."], { cwd: module, env: goEnv(builtCache) });
  });

  afterAll(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("backs up, cleans, re-initialises and verifies", async () => {
    const gocache = cacheCopy("full");
    const before = scanCache(gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runMigration({ gocache, runner: createGoRunner(go), sink, now: () => new Date(2026, 10, 23, 9, 5, 7) }, { backup: true }, "cmd-1"),
    );
    expect(result).toMatchObject({ status: "succeeded", error: null, failedStep: null, before: before.entries });
    expect(result.backupPath).toBe(`${gocache}.backup-20261123-090507`);
    for (const step of ["backup", "clean", "reinit", "verify"] as const) expect(sink.finalStatus(step)).toBe("succeeded");
    expect(scanCache(result.backupPath ?? "").entries).toEqual(before.entries);
    const after = scanCache(gocache);
    expect(result.after).toEqual(after.entries);
    expect(after.entries.count).toBeLessThan(before.entries.count);
    // `go list std` re-initialised the cache with the standard library's index entries.
    expect(after.formats.goindex?.count ?? 0).toBeGreaterThan(0);
    expect(sink.log("reinit")).toContain("net/http");
  });

  it("refuses to clean when the disk cannot hold a backup, leaving the cache untouched", async () => {
    const gocache = cacheCopy("short-disk");
    const before = scanCache(gocache);
    const sink = new RecordingSink();
    const result = await withGoCache(gocache, () =>
      runMigration({ gocache, runner: createGoRunner(go), sink, freeBytes: () => before.entries.bytes }, { backup: true }, "cmd-2"),
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
      runMigration({ gocache, runner: createGoRunner(go), sink, onCleaned: (at) => cleanedAt.push(at) }, { backup: false }, "cmd-3"),
    );
    expect(result.status).toBe("succeeded");
    // The clean is handed to the agent's state, so the version drift probe knows the cache was emptied.
    expect(cleanedAt).toHaveLength(1);
    expect(result.backupPath).toBeNull();
    expect(sink.updates.some((u) => u.step === "backup")).toBe(false);

    const broken = await withGoCache(gocache, () =>
      runMigration(
        { gocache, runner: createGoRunner(path.join(workDir, "no-such-go")), sink: new RecordingSink(), onCleaned: (at) => cleanedAt.push(at) },
        { backup: false },
        "cmd-4",
      ),
    );
    expect(broken).toMatchObject({ status: "failed", failedStep: "clean" });
    expect(cleanedAt).toHaveLength(1);
    expect(broken.error).toMatch(/ENOENT|not found/i);
  });
});
