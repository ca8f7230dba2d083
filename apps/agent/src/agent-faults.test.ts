// Fault tests with real processes: the bundled agent (`node dist/cli.js run`) against a stand-in
// dashboard that is a real local tRPC server (test-support/fake-dashboard.ts), on a cache a real Go 1.22
// built. The agent is SIGKILLed during migration steps and started again; the dashboard is stopped
// while a command ends and started again; and the server sends commands outside the contract.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countTree, listPartialCopies } from "./backup.js";
import { saveConfig } from "./config.js";
import { journalPath, readJournal } from "./journal.js";
import { outboxPath } from "./outbox.js";
import { listBackups } from "./prune.js";
import { FakeDashboard, fieldOf } from "./test-support/fake-dashboard.js";

const go = "/usr/lib/go-1.22/bin/go";
const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(packageDir, "dist", "cli.js");
let workDir: string;
let builtCache: string;

/** The agent as a separate process in its own group, so a kill takes its go child down too. */
class AgentUnderTest {
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  output = "";

  constructor(readonly env: NodeJS.ProcessEnv) {}

  start(): void {
    const child = spawn(process.execPath, [cli, "run", "--interval", "3600"], { env: this.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    this.#child = child;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (child?.pid !== undefined && this.running) process.kill(-child.pid, "SIGKILL");
    await this.#exited;
    this.#child = null;
  }

  async stop(): Promise<void> {
    if (this.#child && this.running) this.#child.kill("SIGTERM");
    await this.#exited;
    this.#child = null;
  }
}

async function until<T>(what: string, check: () => T | null | undefined | false, context: () => string = () => "", timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function goEnv(root: string, gocache: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: root, GOCACHE: gocache, GOPATH: path.join(root, "gopath"), GOTOOLCHAIN: "local", GOFLAGS: "-modcacherw", GOTELEMETRY: "off" };
}

let dashboard: FakeDashboard;
const agents: AgentUnderTest[] = [];

/** A machine: its own copy of the built cache, agent home and (optionally slowed) go. */
function machine(name: string, goBinary = go): { root: string; gocache: string; home: string; agent: AgentUnderTest } {
  const root = path.join(workDir, name);
  const gocache = path.join(root, "Library", "Caches", "go-build");
  fs.mkdirSync(path.dirname(gocache), { recursive: true });
  fs.cpSync(builtCache, gocache, { recursive: true, preserveTimestamps: true });
  const home = path.join(root, "agent-home");
  saveConfig(home, { server: dashboard.url, machineId: `machine-${name}`, token: "t".repeat(43), enrolledAt: new Date().toISOString() });
  const agent = new AgentUnderTest({ ...goEnv(root, gocache), CACHEFLEET_AGENT_HOME: home, CACHEFLEET_GO: goBinary, CACHEFLEET_MACHINE_NAME: name });
  agents.push(agent);
  return { root, gocache, home, agent };
}

/** A go that lingers in one subcommand (after doing its real work), so a test can act during that step. */
function lingeringGo(dir: string, subcommand: "clean" | "list", seconds: number): string {
  const file = path.join(dir, `go-lingering-${subcommand}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\nif [ "$1" = "${subcommand}" ]; then ${go} "$@"; status=$?; sleep ${seconds}; exit $status; fi\nexec ${go} "$@"\n`, { mode: 0o755 });
  return file;
}

function command(id: string, spec: unknown): unknown {
  return { id, spec, timeoutSeconds: 600, createdAt: new Date().toISOString() };
}

function stamp(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
}

beforeAll(() => {
  if (!fs.existsSync(go)) return;
  execFileSync(process.execPath, ["build.mjs"], { cwd: packageDir, stdio: "pipe" });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-faults-"));
  builtCache = path.join(workDir, "built", "go-build");
  const module = path.join(workDir, "hello");
  fs.mkdirSync(module, { recursive: true });
  fs.writeFileSync(path.join(module, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
  fs.writeFileSync(path.join(module, "main.go"), 'package main\n\nimport (\n\t"encoding/json"\n\t"net/http"\n)\n\nfunc main() { _ = json.Valid; _ = http.StatusOK }\n');
  execFileSync(go, ["build", "-o", path.join(workDir, "hello-bin"), "."], { cwd: module, env: goEnv(workDir, builtCache) });
});

beforeEach(async () => {
  dashboard = await new FakeDashboard().start();
});

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.kill();
  await dashboard.stop();
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync(go))("the agent's footprint", () => {
  it("reports, hears a command and answers it without ever loading Node's fetch (undici), which would stay resident", async () => {
    const { agent } = machine("lean");
    // Node keeps the list of the built-in modules a process loaded; a module given to --import
    // writes down the agent's main thread's list when it exits (its scan workers run the module
    // too, and have lists of their own). The list is there only if the agent stopped by itself on
    // SIGTERM, as it must, rather than being killed by it.
    const loadedFile = path.join(workDir, "lean-loaded-modules.json");
    const recorder = path.join(workDir, "record-loaded-modules.mjs");
    fs.writeFileSync(
      recorder,
      `import fs from "node:fs";\nimport { isMainThread } from "node:worker_threads";\n` +
        `if (isMainThread) process.on("exit", () => fs.writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(process.moduleLoadList)));\n`,
    );
    agent.env.NODE_OPTIONS = `--import=${pathToFileURL(recorder).href}`;
    agent.start();
    await until("the first report", () => dashboard.reports.length > 0, () => agent.output);
    dashboard.push(command("lean-rescan", { kind: "rescan", options: {} }));
    const [result] = await until("the rescan's result", () => (dashboard.resultsOf("lean-rescan").length > 0 ? dashboard.resultsOf("lean-rescan") : null), () => agent.output);
    expect(fieldOf(result, "status")).toBe("succeeded");
    await agent.stop();
    const loaded = JSON.parse(fs.readFileSync(loadedFile, "utf8")) as string[];
    expect(loaded).toContain("NativeModule http");
    expect(loaded.filter((name) => name.includes("undici"))).toEqual([]);
  });
});

describe.skipIf(!fs.existsSync(go))("the agent against a hostile server", () => {
  it("refuses every out-of-contract command, runs none, deletes nothing, and still backs up a clean sent with {} options", async () => {
    const { gocache, agent } = machine("hostile");
    const before = await countTree(gocache);
    // A backup made just now and an old one: a prune with a negative age would take both.
    const fresh = `${gocache}.backup-${stamp(new Date())}`;
    const old = `${gocache}.backup-20200101-000000`;
    for (const backup of [fresh, old]) fs.cpSync(builtCache, backup, { recursive: true });
    agent.start();
    await until("the first report", () => dashboard.reports.length > 0, () => agent.output);

    const hostile = [
      command("unknown-kind", { kind: "exec", options: { argv: ["rm", "-rf", "/"] } }),
      command("negative-age", { kind: "prune-backups", options: { olderThanDays: -1000 } }),
      command("extra-option", { kind: "clean", options: { backup: false, path: "/" } }),
      command("wrong-type", { kind: "migrate", options: { backup: "no" } }),
      { id: "no-limit", spec: { kind: "rescan", options: {} } },
      { spec: { kind: "clean", options: { backup: false } } },
    ];
    for (const sent of hostile) dashboard.push(sent);
    const refusedIds = ["unknown-kind", "negative-age", "extra-option", "wrong-type", "no-limit"];
    await until("every refusal", () => refusedIds.every((id) => dashboard.resultsOf(id).length === 1), () => agent.output);
    for (const id of refusedIds) {
      const [result] = dashboard.resultsOf(id);
      expect(fieldOf(result, "status")).toBe("failed");
      expect(String(fieldOf(result, "error"))).toMatch(/^Refused by the agent: the command is outside the contract it accepts, so nothing was run/);
      expect(dashboard.progressOf(id)).toEqual([]);
    }
    expect(agent.output).toContain("ignored a command without a usable id");
    expect(fs.existsSync(fresh) && fs.existsSync(old)).toBe(true);
    expect(await countTree(gocache)).toEqual(before);

    // `{}` options are the contract's defaults: clean backs up first.
    dashboard.push(command("clean-defaults", { kind: "clean", options: {} }));
    const [cleaned] = await until("the clean's result", () => (dashboard.resultsOf("clean-defaults").length > 0 ? dashboard.resultsOf("clean-defaults") : null), () => agent.output);
    expect(fieldOf(cleaned, "status")).toBe("succeeded");
    const backupPath = String(fieldOf(cleaned, "backupPath"));
    expect(backupPath).toMatch(/go-build\.backup-\d{8}-\d{6}$/);
    const kept = await countTree(backupPath);
    expect({ files: kept.files, bytes: kept.bytes }).toEqual({ files: before.files, bytes: before.bytes });
    expect(agent.running).toBe(true);
  });
});

describe.skipIf(!fs.existsSync(go))("the dashboard unreachable when a command ends", () => {
  it("keeps the agent alive, and delivers the progress and the result once the dashboard is back", async () => {
    const root = path.join(workDir, "outage");
    // A clean with its backup, on Go 1.22 (a migration there refuses: the encrypted cache needs Go
    // 1.24); `go clean` lingers so the dashboard can go away while the step runs.
    const { gocache, home, agent } = machine("outage", lingeringGo(path.join(root, "bin"), "clean", 4));
    const before = await countTree(gocache);
    agent.start();
    await until("the first report", () => dashboard.reports.length > 0, () => agent.output);
    dashboard.push(command("outage-migrate", { kind: "clean", options: { backup: true } }));
    await until("the clean step", () => readJournal(journalPath(home))?.step === "clean", () => agent.output);
    await dashboard.stop();

    // The command ends while the dashboard is away: its result waits in the outbox.
    await until("the command to end", () => readJournal(journalPath(home)) === null, () => agent.output);
    await until("the result to be queued", () => fs.readFileSync(outboxPath(home), "utf8").includes('"outage-migrate"') && agent.output.includes("dashboard unreachable"), () => agent.output);
    expect(dashboard.resultsOf("outage-migrate")).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(agent.running).toBe(true);

    await dashboard.start();
    const [result] = await until("the result after the outage", () => (dashboard.resultsOf("outage-migrate").length > 0 ? dashboard.resultsOf("outage-migrate") : null), () => agent.output);
    expect(fieldOf(result, "status")).toBe("succeeded");
    const steps = dashboard.progressOf("outage-migrate").map((entry) => `${String(fieldOf(entry, "step"))} ${String(fieldOf(entry, "status"))}`);
    for (const step of ["backup", "clean"]) expect(steps).toContain(`${step} succeeded`);
    const backup = await countTree(String(fieldOf(result, "backupPath")));
    expect({ files: backup.files, bytes: backup.bytes }).toEqual({ files: before.files, bytes: before.bytes });
    // Exactly once, and nothing left to send.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(dashboard.resultsOf("outage-migrate")).toHaveLength(1);
    expect(agent.running).toBe(true);
  });
});

// On Go 1.22 a migration refuses before any step (the encrypted cache needs Go 1.24), so the steps
// that touch the cache are driven by the commands that run them there: clean (backup, then clean)
// and reinit.
describe.skipIf(!fs.existsSync(go))("the agent killed during a command's step", () => {
  const cases = [
    { step: "backup", kind: "clean", go: null, message: /^The agent stopped during its backup step .*The cache itself is untouched\.$/ },
    { step: "clean", kind: "clean", go: "clean", message: /^The agent stopped during its clean step .*: the cache may be partly cleaned; it rebuilds on the next build\. The backup at .* is kept\.$/ },
    { step: "reinit", kind: "reinit", go: "list", message: /^The agent stopped during its reinit step \([^)]*\)\.$/ },
  ] as const;

  it.each(cases)("during $step: restarted, it reports the interruption truly and the cache or its verified backup is intact", async ({ step, kind, go: lingerIn, message }) => {
    const name = `killed-${step}`;
    const goBinary = lingerIn ? lingeringGo(path.join(workDir, name, "bin"), lingerIn, 60) : go;
    const { gocache, home, agent } = machine(name, goBinary);
    const before = await countTree(gocache);
    agent.start();
    await until("the first report", () => dashboard.reports.length > 0, () => agent.output);
    const id = `migrate-${step}`;
    dashboard.push(command(id, kind === "clean" ? { kind, options: { backup: true } } : { kind, options: {} }));
    await until(`the ${step} step`, () => {
      const journal = readJournal(journalPath(home));
      return journal?.step === step && !journal.stepDone;
    }, () => agent.output);
    await agent.kill();
    const atKill = readJournal(journalPath(home));
    expect(dashboard.resultsOf(id)).toEqual([]);

    agent.start();
    const [result] = await until("the interruption report", () => (dashboard.resultsOf(id).length > 0 ? dashboard.resultsOf(id) : null), () => agent.output);
    expect(fieldOf(result, "status")).toBe("interrupted");
    expect(fieldOf(result, "failedStep")).toBe(step);
    expect(String(fieldOf(result, "error"))).toMatch(message);

    const backups = listBackups(gocache);
    if (step === "backup") {
      // The cache is whole; no unverified copy carries a backup's name, and none is reported.
      expect(await countTree(gocache)).toEqual(before);
      expect(backups).toEqual([]);
      expect(fieldOf(result, "backupPath")).toBeNull();
      expect(listPartialCopies(gocache).every((partial) => partial === atKill?.backupPath)).toBe(true);
    } else if (kind === "reinit") {
      // Nothing was backed up or cleaned: the command only rebuilds entries.
      expect(backups).toEqual([]);
      expect(fieldOf(result, "backupPath")).toBeNull();
    } else {
      expect(backups).toHaveLength(1);
      expect(fieldOf(result, "backupPath")).toBe(backups[0]?.path);
      const kept = await countTree(backups[0]?.path ?? "");
      expect({ files: kept.files, bytes: kept.bytes }).toEqual({ files: before.files, bytes: before.bytes });
    }
    expect(readJournal(journalPath(home))).toBeNull();
    // Reported once, however long the restarted agent runs.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(dashboard.resultsOf(id)).toHaveLength(1);
  });
});
