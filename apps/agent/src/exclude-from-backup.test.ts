// exclude-from-backup: `tmutil addexclusion` on GOCACHE, then checked with `tmutil isexcluded`.
// tmutil cannot run here, so it is the stand-in in apps/agent/src/test-support/macos-bin, which
// reproduces the real tool's output and exit codes; the agent runs it as a real process.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StepName, StepStatus } from "@cachefleet/contract";
import { createGoRunner } from "./commands.js";
import { runPlan, type StepSink } from "./plan-runner.js";
import { standinCalls, standinRunner, tempDir } from "./test-support/standins.js";

class RecordingSink implements StepSink {
  readonly updates: { step: StepName; status: StepStatus; log: string }[] = [];
  async update(step: StepName, status: StepStatus, log: string): Promise<{ cancelRequested: boolean }> {
    this.updates.push({ step, status, log });
    return { cancelRequested: false };
  }
}

let dir: string;
let gocache: string;
beforeAll(() => {
  dir = tempDir("exclude");
  gocache = path.join(dir, "go-build");
  fs.mkdirSync(gocache);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const command = { id: "x", spec: { kind: "exclude-from-backup", options: {} }, timeoutSeconds: 60 } as const;

describe("exclude-from-backup", () => {
  for (const profile of ["apple-silicon", "intel"] as const) {
    it(`adds a Time Machine exclusion for GOCACHE and checks it took (${profile})`, async () => {
      const runDir = path.join(dir, profile);
      fs.mkdirSync(runDir);
      const commands = standinRunner({ dir: runDir, profile });
      const result = await runPlan({ gocache, runner: createGoRunner("/nonexistent/go"), commands, platform: "darwin", sink: new RecordingSink() }, command);
      expect(result).toMatchObject({ status: "succeeded", failedStep: null });
      expect(standinCalls(runDir)).toEqual([
        ["tmutil", "addexclusion", gocache],
        ["tmutil", "isexcluded", gocache],
      ]);
      const check = await commands.run({ kind: "tmutil-isexcluded", path: gocache });
      expect(check.stdout).toBe(`[Excluded]    ${gocache}`);
    });
  }

  it("fails with a clear reason off macOS, and when GOCACHE does not exist", async () => {
    const onLinux = await runPlan({ gocache, runner: createGoRunner("/nonexistent/go"), commands: standinRunner({ dir }), platform: "linux", sink: new RecordingSink() }, command);
    expect(onLinux).toMatchObject({ status: "failed", failedStep: "exclude", error: expect.stringContaining("only on macOS") });
    const missing = await runPlan(
      { gocache: path.join(dir, "missing"), runner: createGoRunner("/nonexistent/go"), commands: standinRunner({ dir }), platform: "darwin", sink: new RecordingSink() },
      command,
    );
    expect(missing).toMatchObject({ status: "failed", error: expect.stringContaining("tmutil addexclusion exited 1") });
  });
});
