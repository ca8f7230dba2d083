// The batched clean leaves a GOCACHE exactly as `go clean -cache` does (buckets and log.txt gone,
// README, trim.txt and the folder itself kept), streams progress, and a later go build works.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StepName, StepStatus } from "@cachefleet/contract";
import { createGoRunner } from "./commands.js";
import { runPlan, type StepSink } from "./plan-runner.js";

const go = "/usr/lib/go-1.22/bin/go";
const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
});

class RecordingSink implements StepSink {
  readonly updates: { step: StepName; status: StepStatus; log: string }[] = [];
  async update(step: StepName, status: StepStatus, log: string): Promise<{ cancelRequested: boolean }> {
    this.updates.push({ step, status, log });
    return { cancelRequested: false };
  }
}

function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).sort();
}

describe.skipIf(!fs.existsSync(go))(`clean-in-batches on a cache Go 1.22 built (skipped when ${go} is missing)`, () => {
  it(
    "removes what go clean -cache removes, and nothing else, and the next build works",
    async () => {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-batched-clean-"));
      workDirs.push(workDir);
      const env = { PATH: process.env.PATH, HOME: workDir, GOPATH: path.join(workDir, "gopath"), GOTOOLCHAIN: "local", GOTELEMETRY: "off" };
      const mod = path.join(workDir, "hello");
      fs.mkdirSync(mod);
      fs.writeFileSync(path.join(mod, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
      fs.writeFileSync(path.join(mod, "main.go"), 'package main\n\nimport "strconv"\n\nfunc main() { println(strconv.Itoa(7)) }\n');
      const build = (gocache: string) => execFileSync(go, ["build", "-o", path.join(workDir, "bin"), "."], { cwd: mod, env: { ...env, GOCACHE: gocache }, stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
      const batched = path.join(workDir, "batched");
      build(batched);
      fs.writeFileSync(path.join(batched, "log.txt"), "access log\n");
      fs.mkdirSync(path.join(batched, "fuzz"));
      fs.writeFileSync(path.join(batched, "fuzz", "corpus"), "kept by go clean -cache\n");
      const reference = path.join(workDir, "reference");
      fs.cpSync(batched, reference, { recursive: true });
      execFileSync(go, ["clean", "-cache"], { env: { ...env, GOCACHE: reference } });

      const sink = new RecordingSink();
      const result = await runPlan({ gocache: batched, runner: createGoRunner(go), sink }, { id: "c", spec: { kind: "clean-in-batches", options: { backup: false } }, timeoutSeconds: 600 });
      expect(result.status).toBe("succeeded");
      expect(tree(batched)).toEqual(tree(reference));
      expect(sink.updates.filter((u) => u.step === "clean").map((u) => u.log).join("")).toMatch(/cleaned: \d+ files removed, \d+ bytes freed/);
      build(batched);
      expect(fs.readdirSync(batched).filter((n) => /^[0-9a-f]{2}$/.test(n)).length).toBeGreaterThan(0);
    },
    900_000,
  );
});
