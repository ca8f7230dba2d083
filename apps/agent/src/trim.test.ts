// The trim command on caches real Go toolchains built: it removes exactly the entries the scan
// counted unused by Go's rule, a following `go build` still works, and trim.txt records it.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { StepName, StepStatus } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { createGoRunner } from "./commands.js";
import { runPlan, type StepSink } from "./plan-runner.js";
import { bucketNames } from "./trim.js";

const DAY_S = 86_400;
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

function goEnv(workDir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: workDir, GOCACHE: path.join(workDir, "go-build"), GOPATH: path.join(workDir, "gopath"), GOTOOLCHAIN: "local", GOFLAGS: "-modcacherw", GOTELEMETRY: "off" };
}

/** A module with a main package importing strconv and strings, built once into a fresh GOCACHE. */
function buildSmallCache(go: string, workDir: string): string {
  const mod = path.join(workDir, "hello");
  fs.mkdirSync(mod);
  fs.writeFileSync(path.join(mod, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
  fs.writeFileSync(path.join(mod, "main.go"), 'package main\n\nimport (\n\t"os"\n\t"strconv"\n\t"strings"\n)\n\nfunc main() {\n\tos.Stdout.WriteString(strings.ToUpper("built ") + strconv.Itoa(42) + "\\n")\n}\n');
  build(go, workDir);
  return path.join(workDir, "go-build");
}

function build(go: string, workDir: string): string {
  const binary = path.join(workDir, "hello-bin");
  // The limit only stops a hung build: on a loaded machine this takes well over a minute.
  execFileSync(go, ["build", "-o", binary, "."], { cwd: path.join(workDir, "hello"), env: goEnv(workDir), stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
  return execFileSync(binary, { encoding: "utf8" });
}

function bucketEntries(gocache: string): string[] {
  return bucketNames.flatMap((bucket) => {
    const folder = path.join(gocache, bucket);
    return fs.existsSync(folder) ? fs.readdirSync(folder).filter((n) => /-[ad]$/.test(n)).map((n) => `${bucket}/${n}`) : [];
  });
}

const toolchains = [
  { version: "1.22", go: "/usr/lib/go-1.22/bin/go" },
  { version: "1.24", go: "/usr/lib/go-1.24/bin/go" },
];

for (const { version, go } of toolchains) {
  describe.skipIf(!fs.existsSync(go))(`trim on a cache Go ${version} built (skipped when ${go} is missing)`, () => {
    it(
      "removes exactly the entries the scan counted unused, records the trim, and the next go build still works",
      async () => {
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `agent-trim-${version}-`));
        workDirs.push(workDir);
        const gocache = buildSmallCache(go, workDir);
        const entries = bucketEntries(gocache);
        expect(entries.length).toBeGreaterThan(50);
        // Every other entry unused for 12 days, every fifth for 7: a 10-day trim takes only the first.
        const nowS = Math.floor(Date.now() / 1000);
        const twelve = entries.filter((_, i) => i % 2 === 0);
        const seven = entries.filter((_, i) => i % 2 === 1 && i % 5 === 0);
        execFileSync("touch", ["-m", "-d", `@${nowS - 12 * DAY_S}`, ...twelve.map((e) => path.join(gocache, e))]);
        execFileSync("touch", ["-m", "-d", `@${nowS - 7 * DAY_S}`, ...seven.map((e) => path.join(gocache, e))]);
        fs.writeFileSync(path.join(gocache, "trim.txt"), String(nowS - 20 * DAY_S));
        const before = scanCache(gocache);
        expect(before.trim?.unused.count).toBe(twelve.length + seven.length);

        const sizes = new Map(entries.map((e) => [e, fs.statSync(path.join(gocache, e)).size]));
        const runner = createGoRunner(go);
        const sink = new RecordingSink();
        const longer = await runPlan({ gocache, runner, sink }, { id: "t10", spec: { kind: "trim", options: { olderThanDays: 10 } }, timeoutSeconds: 600 });
        expect(longer.status).toBe("succeeded");
        expect(bucketEntries(gocache)).toEqual(entries.filter((e) => !twelve.includes(e)));
        // Not Go's own trim, so trim.txt is left as it was.
        expect(fs.readFileSync(path.join(gocache, "trim.txt"), "utf8")).toBe(String(nowS - 20 * DAY_S));

        const result = await runPlan({ gocache, runner, sink }, { id: "t5", spec: { kind: "trim", options: { olderThanDays: 5 } }, timeoutSeconds: 600 });
        expect(result).toMatchObject({ status: "succeeded", failedStep: null, before: { count: before.entries.count - twelve.length } });
        const removedBytes = [...twelve, ...seven].reduce((n, e) => n + (sizes.get(e) ?? 0), 0);
        expect(before.trim?.unused.bytes).toBe(removedBytes);
        expect(bucketEntries(gocache)).toEqual(entries.filter((e) => !twelve.includes(e) && !seven.includes(e)));
        expect(result.after).toEqual({ count: before.entries.count - twelve.length - seven.length, bytes: before.entries.bytes - removedBytes });
        expect(sink.updates.filter((u) => u.step === "trim").map((u) => u.log).join("")).toMatch(/trimmed \d+ entries, \d+ bytes freed/);

        const after = scanCache(gocache);
        expect(after.trim?.unused).toEqual({ count: 0, bytes: 0 });
        expect(Math.abs(Date.parse(after.trim?.lastTrimAt ?? "") / 1000 - nowS)).toBeLessThan(3600);
        // Go rebuilds what was trimmed and the program runs.
        expect(build(go, workDir)).toBe("BUILT 42\n");
      },
      900_000,
    );
  });
}

describe("trim leaves alone what Go's trim would", () => {
  it("never follows or removes a symbolic link, and touches nothing outside the buckets", async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-trim-links-"));
    workDirs.push(workDir);
    const gocache = path.join(workDir, "go-build");
    const outside = path.join(workDir, "precious-d");
    fs.writeFileSync(outside, "not the cache's");
    fs.mkdirSync(path.join(gocache, "ab"), { recursive: true });
    fs.mkdirSync(path.join(gocache, "zz"), { recursive: true });
    fs.symlinkSync(outside, path.join(gocache, "ab", "link-d"));
    fs.writeFileSync(path.join(gocache, "zz", "old-d"), "outside the buckets");
    fs.writeFileSync(path.join(gocache, "ab", "old-d"), "an old entry");
    const old = new Date(Date.now() - 30 * DAY_S * 1000);
    for (const file of [outside, path.join(gocache, "zz", "old-d"), path.join(gocache, "ab", "old-d")]) fs.utimesSync(file, old, old);
    fs.lutimesSync(path.join(gocache, "ab", "link-d"), old, old);

    const result = await runPlan({ gocache, runner: createGoRunner("/nonexistent/go"), sink: new RecordingSink() }, { id: "t", spec: { kind: "trim", options: { olderThanDays: 5 } }, timeoutSeconds: 60 });
    expect(result.status).toBe("succeeded");
    expect(fs.existsSync(path.join(gocache, "ab", "old-d"))).toBe(false);
    expect(fs.lstatSync(path.join(gocache, "ab", "link-d")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(outside, "utf8")).toBe("not the cache's");
    expect(fs.existsSync(path.join(gocache, "zz", "old-d"))).toBe(true);
  });
});
