// The migration to Cachefleet's encrypted cache on a real Go 1.24 toolchain: real caches built by
// the go command, the real helper compiled from its embedded source, the key in the agent's 0600
// key file (the Linux store; the Keychain store is tested with the `security` stand-in in
// keystore.test.ts). Each test works on its own GOCACHE and GOENV file.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandSpec, StepName, StepStatus } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { createCacheHelper, type CacheHelper } from "./cache-helper.js";
import { compiledIn } from "./cache-steps.js";
import { createCommandRunner, createGoRunner, readCacheProgSetting, type GoRunner } from "./commands.js";
import { createKeyStore, keyFilePath } from "./keystore.js";
import { runMigration, runPlan, type StepSink } from "./plan-runner.js";
import { isolatedGoEnv, requireGo124, tempDir } from "./test-support/standins.js";

const go = requireGo124();
let root: string;
let helperDir: string;

class RecordingSink implements StepSink {
  readonly updates: { step: StepName; status: StepStatus; log: string }[] = [];
  async update(step: StepName, status: StepStatus, log: string): Promise<{ cancelRequested: boolean }> {
    this.updates.push({ step, status, log });
    return { cancelRequested: false };
  }
  finalStatus(step: StepName): StepStatus | undefined {
    return this.updates.filter((u) => u.step === step).at(-1)?.status;
  }
  log(step: StepName): string {
    return this.updates.filter((u) => u.step === step).map((u) => u.log).join("");
  }
}

interface Machine {
  dir: string;
  gocache: string;
  goEnv: Record<string, string>;
  runner: GoRunner;
  helper: CacheHelper;
}

/** A developer's machine in a folder: its own GOCACHE, GOENV file and agent home, one shared compiled helper. */
function machine(name: string): Machine {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const goEnv = isolatedGoEnv(dir);
  const commands = createCommandRunner({ toolPath: [], env: goEnv });
  const agentHome = path.join(dir, "agent");
  const keyStore = createKeyStore({ platform: "linux", agentHome, account: "dev", commands, toolPath: [] });
  return {
    dir,
    gocache: goEnv.GOCACHE ?? path.join(dir, "go-build"),
    goEnv,
    runner: createGoRunner(go, commands),
    helper: createCacheHelper({ go, commands, agentHome, keyStore, helperDir }),
  };
}

/** A small module whose build fills the cache with real entries (archives, action lines, vet facts). */
function writeModule(dir: string, name: string): string {
  const module = path.join(dir, name);
  fs.mkdirSync(module, { recursive: true });
  fs.writeFileSync(path.join(module, "go.mod"), `module example.com/${name}\n\ngo 1.21\n`);
  fs.writeFileSync(
    path.join(module, "main.go"),
    `package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n)\n\nfunc main() {\n\tout, _ := json.Marshal(map[string]string{"module": "${name}"})\n\tfmt.Println(string(out))\n}\n`,
  );
  return module;
}

/** `go build -x` of a module with the machine's settings: its stderr lists every action that did not hit. */
function buildLog(m: Machine, module: string): string {
  const result = spawnSync(go, ["build", "-x", "-o", path.join(module, "out-bin"), "."], { cwd: module, env: { ...process.env, ...m.goEnv }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`go build failed: ${result.stderr}`);
  return result.stderr;
}

beforeAll(() => {
  root = tempDir("encrypted-migration");
  helperDir = path.join(root, "helpers");
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

// Real builds through the helper on a machine shared by many suites: generous limits, no timing asserted.
describe("the migration to the encrypted cache on real Go 1.24", { timeout: 900_000 }, () => {
  it("turns a plaintext cache into an encrypted one whose builds hit, keeping a plaintext backup", async () => {
    const m = machine("plain");
    const module = writeModule(m.dir, "hello");
    execFileSync(go, ["build", "-o", path.join(module, "out-bin"), "."], { cwd: module, env: { ...process.env, ...m.goEnv }, stdio: "ignore" });
    const before = scanCache(m.gocache);
    expect(before.verdict).toBe("plaintext");

    const sink = new RecordingSink();
    const result = await runMigration({ gocache: m.gocache, runner: m.runner, sink, cacheHelper: m.helper }, { backup: true }, "enc-1");
    expect(result).toMatchObject({ status: "succeeded", error: null, failedStep: null });
    for (const step of ["backup", "clean", "enable", "reinit", "verify"] as const) expect(sink.finalStatus(step)).toBe("succeeded");
    expect(sink.log("enable")).toContain("created a new cache key in the agent's key file");
    expect(sink.log("verify")).toMatch(/probe build: compiled on the first run, a cache hit on the second; the helper counted \d+ more hits/);

    // The helper is configured, the key exists (0600), and nothing plaintext is left.
    expect(m.helper.describe(await readCacheProgSetting(m.runner))).toMatchObject({ kind: "cachefleet" });
    expect(fs.statSync(keyFilePath(path.join(m.dir, "agent"))).mode & 0o777).toBe(0o600);
    const after = scanCache(m.gocache);
    expect(after.verdict).toBe("encrypted");
    expect(after.classes.plaintext.count).toBe(0);
    expect(after.formats.cachefleet?.count ?? 0).toBeGreaterThan(0);
    expect(result.after).toEqual(after.entries);
    // The backup holds the plaintext cache as the migration found it.
    expect(scanCache(result.backupPath ?? "").entries).toEqual(result.before);
    expect(scanCache(result.backupPath ?? "").verdict).toBe("plaintext");

    // A real build now goes through the helper: the second one compiles nothing and the binary runs.
    expect(compiledIn(buildLog(m, module))).toBe(true);
    const hitsBefore = m.helper.readHits(m.gocache)?.hits ?? 0;
    expect(compiledIn(buildLog(m, module))).toBe(false);
    expect(m.helper.readHits(m.gocache)?.hits ?? 0).toBeGreaterThan(hitsBefore);
    expect(execFileSync(path.join(module, "out-bin"), { encoding: "utf8" })).toBe('{"module":"hello"}\n');
    expect(scanCache(m.gocache).classes.plaintext.count).toBe(0);

    // disable switches back: GOCACHEPROG gone from the GOENV file, the sealed cache cleaned after a backup.
    const disableSink = new RecordingSink();
    const disabled = await runPlan(
      { gocache: m.gocache, runner: m.runner, sink: disableSink, cacheHelper: m.helper },
      { id: "dis-1", spec: { kind: "disable", options: { backup: true } }, timeoutSeconds: 600 },
    );
    expect(disabled).toMatchObject({ status: "succeeded", error: null });
    expect(await readCacheProgSetting(m.runner)).toBe("");
    expect(fs.readFileSync(m.goEnv.GOENV ?? "", "utf8")).not.toContain("GOCACHEPROG");
    expect(scanCache(disabled.backupPath ?? "").verdict).toBe("encrypted");
    expect(scanCache(m.gocache).classes.encrypted.count).toBe(0);
  });

  it("turns a cache that mixes old plaintext and new sealed entries encrypted", async () => {
    const m = machine("mixed");
    const first = writeModule(m.dir, "first");
    execFileSync(go, ["build", "-o", path.join(first, "out-bin"), "."], { cwd: first, env: { ...process.env, ...m.goEnv }, stdio: "ignore" });
    // The helper switched on without a clean, as a developer might do by hand.
    await m.helper.keyStore.ensure();
    const { commandLine } = await m.helper.prepare();
    execFileSync(go, ["env", "-w", `GOCACHEPROG=${commandLine}`], { env: { ...process.env, ...m.goEnv } });
    const second = writeModule(m.dir, "second");
    execFileSync(go, ["build", "-o", path.join(second, "out-bin"), "."], { cwd: second, env: { ...process.env, ...m.goEnv }, stdio: "ignore" });
    const mixed = scanCache(m.gocache);
    expect(mixed.verdict).toBe("mixed");
    expect(mixed.classes.plaintext.count).toBeGreaterThan(0);
    expect(mixed.classes.encrypted.count).toBeGreaterThan(0);

    const result = await runMigration({ gocache: m.gocache, runner: m.runner, sink: new RecordingSink(), cacheHelper: m.helper }, { backup: false }, "enc-2");
    expect(result).toMatchObject({ status: "succeeded", backupPath: null });
    const after = scanCache(m.gocache);
    expect(after.verdict).toBe("encrypted");
    expect(after.classes.plaintext.count).toBe(0);
  });

  it("reports another GOCACHEPROG and never overwrites it, unless the admin ticked the option", async () => {
    const m = machine("other");
    // A team's own cache program: a real, working GOCACHEPROG that is not Cachefleet's.
    await m.helper.keyStore.ensure();
    const { commandLine } = await m.helper.prepare();
    const [program = "", ...args] = commandLine.split(" ");
    const teamProgram = path.join(m.dir, "teamcache", "gocacheprog");
    fs.mkdirSync(path.dirname(teamProgram), { recursive: true });
    fs.copyFileSync(program, teamProgram);
    fs.chmodSync(teamProgram, 0o755);
    const teamValue = [teamProgram, ...args].join(" ");
    execFileSync(go, ["env", "-w", `GOCACHEPROG=${teamValue}`], { env: { ...process.env, ...m.goEnv } });
    const module = writeModule(m.dir, "team");
    execFileSync(go, ["build", "-o", path.join(module, "out-bin"), "."], { cwd: module, env: { ...process.env, ...m.goEnv }, stdio: "ignore" });
    const before = scanCache(m.gocache);

    const sink = new RecordingSink();
    const refused = await runMigration({ gocache: m.gocache, runner: m.runner, sink, cacheHelper: m.helper }, { backup: true }, "enc-3");
    expect(refused).toMatchObject({ status: "failed", failedStep: null, backupPath: null });
    expect(refused.error).toContain(`GOCACHEPROG already runs another cache helper (${teamValue})`);
    expect(refused.error).toMatch(/not replaced unless an admin ticks/);
    expect(sink.updates).toEqual([]);
    expect(await readCacheProgSetting(m.runner)).toBe(teamValue);
    // Nothing was backed up or cleaned (reading `go env` may add entries through the team's program).
    expect(scanCache(m.gocache).entries.count).toBeGreaterThanOrEqual(before.entries.count);
    expect(fs.readdirSync(path.dirname(m.gocache)).filter((name) => name.includes(".backup-"))).toEqual([]);
    // disable and rotate-key leave it alone too.
    const others: CommandSpec[] = [{ kind: "disable", options: { backup: true } }, { kind: "rotate-key", options: {} }];
    for (const spec of others) {
      const outcome = await runPlan({ gocache: m.gocache, runner: m.runner, sink, cacheHelper: m.helper }, { id: `other-${spec.kind}`, spec, timeoutSeconds: 600 });
      expect(outcome.error).toMatch(/GOCACHEPROG runs another cache helper/);
    }
    expect(await readCacheProgSetting(m.runner)).toBe(teamValue);

    const replaced = await runMigration({ gocache: m.gocache, runner: m.runner, sink: new RecordingSink(), cacheHelper: m.helper }, { backup: true, replaceOtherCacheProg: true }, "enc-4");
    expect(replaced).toMatchObject({ status: "succeeded", error: null });
    expect(m.helper.describe(await readCacheProgSetting(m.runner))).toMatchObject({ kind: "cachefleet" });
  });

  it("fails verify when the key is gone, the helper is not configured, or the cache holds plaintext", async () => {
    const m = machine("verify");
    const verify = () =>
      runPlan({ gocache: m.gocache, runner: m.runner, sink: new RecordingSink(), cacheHelper: m.helper }, { id: "verify", spec: { kind: "verify", options: {} }, timeoutSeconds: 600 });
    const notConfigured = await verify();
    expect(notConfigured).toMatchObject({ status: "failed", failedStep: "verify" });
    expect(notConfigured.error).toMatch(/GOCACHEPROG is not set, not Cachefleet's helper/);

    expect((await runMigration({ gocache: m.gocache, runner: m.runner, sink: new RecordingSink(), cacheHelper: m.helper }, { backup: false }, "enc-5")).status).toBe("succeeded");
    expect((await verify()).status).toBe("succeeded");

    // A plaintext entry written beside the sealed ones (an old action line in a bucket).
    const bucket = path.join(m.gocache, "ab");
    fs.mkdirSync(bucket, { recursive: true });
    fs.writeFileSync(path.join(bucket, `ab${"0".repeat(62)}-a`), `v1 ab${"0".repeat(62)} cd${"0".repeat(62)} 12 1700000000000000000\n`);
    const plaintext = await verify();
    expect(plaintext.error).toMatch(/The scan's verdict is mixed with 1 plaintext entries/);
    fs.rmSync(path.join(bucket, `ab${"0".repeat(62)}-a`));

    fs.rmSync(keyFilePath(path.join(m.dir, "agent")));
    const noKey = await verify();
    expect(noKey).toMatchObject({ status: "failed", failedStep: "verify" });
    expect(noKey.error).toMatch(/The cache key is missing from the agent's key file/);
  });
});
