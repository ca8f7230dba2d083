// The encrypted cache helper on real Go 1.24: a generated module (standard library only, offline)
// built through the helper the agent compiles. Outputs must come back right from the cache, no
// plaintext may rest in GOCACHE or in a dead run's scratch, damaged entries must be misses, the
// key must never show on any process's argv, and rotation and trimming must keep the cache whole.
// `security` is the stand-in from test-support/macos-bin (macOS tools cannot run here); it keeps
// items in a file and reproduces the real tool's output and exit codes.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { cacheProgStatsFile, type CacheProgStats } from "@cachefleet/contract";
import { classifyEntry, isActionLine, magicFormat, scanCache } from "@cachefleet/gocache";
import { createCommandRunner } from "../commands.js";
import { createKeyStore, keyFilePath, type KeyStore } from "../keystore.js";
import { writeGoModule } from "../test-support/go-module.js";
import { isolatedGoEnv, macosBin, requireGo124, standinRunner, tempDir } from "../test-support/standins.js";
import { cacheProgVersion, describeCacheProg, prepareCacheProg, readCacheProgStats, rotateCacheKey } from "./index.js";
import { splitQuoted } from "./quoted.js";
import { open, type EntryKind } from "./sealed.js";

const go = requireGo124();
/** Compiled helpers are shared by every test run on this machine: compiling one takes a while. */
const helperDir = path.join(os.tmpdir(), `cachefleet-test-helper-${cacheProgVersion}`);
const slow = 15 * 60 * 1000;

let root: string;
let moduleDir: string;
let expectedLine: string;
let keyStore: KeyStore;
let commandLine: string;

function fileKeyStore(agentHome: string): KeyStore {
  return createKeyStore({ platform: "linux", agentHome, account: os.userInfo().username, commands: createCommandRunner({ toolPath: [] }), toolPath: [] });
}

beforeAll(async () => {
  root = tempDir("helper-test");
  moduleDir = path.join(root, "module");
  expectedLine = writeGoModule(moduleDir, { packages: 6 });
  keyStore = fileKeyStore(path.join(root, "agent home"));
  await keyStore.ensure();
  ({ commandLine } = await prepareCacheProg({ go, commands: createCommandRunner({ toolPath: [] }), agentHome: path.join(root, "agent home"), keyStore, helperDir }));
}, slow);

interface Build {
  exitCode: number;
  stderr: string;
  /** What the built command printed. */
  line: string;
  /** Packages the go command compiled (it prints each compiler run with -x): 0 when all came from the cache. */
  compiled: number;
}

function goEnv(gocache: string, extra: Record<string, string> = {}): Record<string, string> {
  return isolatedGoEnv(path.dirname(gocache), { GOCACHE: gocache, GOCACHEPROG: commandLine, TMPDIR: scratchTmp(gocache), ...extra });
}

/** Each cache gets its own temp folder, so the helper's scratch is this test's alone. */
function scratchTmp(gocache: string): string {
  const dir = `${gocache}-tmp`;
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function scratchRuns(gocache: string): string[] {
  const scratchRoot = path.join(scratchTmp(gocache), `cachefleet-cacheprog-${process.getuid?.() ?? 0}`);
  return fs.existsSync(scratchRoot) ? fs.readdirSync(scratchRoot) : [];
}

async function build(gocache: string, env: Record<string, string> = goEnv(gocache), output = "app"): Promise<Build> {
  const app = path.join(path.dirname(gocache), output);
  fs.rmSync(app, { force: true });
  const result = await execa(go, ["build", "-x", "-o", app, "./cmd/app"], { cwd: moduleDir, env, reject: false });
  const compiled = result.stderr.split("\n").filter((line) => /\/pkg\/tool\/[^/]+\/compile /.test(line)).length;
  if (result.exitCode !== 0) return { exitCode: result.exitCode ?? 1, stderr: result.stderr, line: "", compiled };
  // println writes to stderr.
  const ran = await execa(app, [], { reject: false });
  return { exitCode: 0, stderr: result.stderr, line: ran.stderr.trim(), compiled };
}

function freshCache(name: string): string {
  const gocache = path.join(root, name, "go-build");
  fs.mkdirSync(gocache, { recursive: true });
  return gocache;
}

const zeroStats: CacheProgStats = { version: 1, gets: 0, hits: 0, misses: 0, puts: 0, bytesServed: 0, bytesWritten: 0, busyMs: 0, since: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" };

function stats(gocache: string): CacheProgStats {
  return readCacheProgStats(gocache) ?? zeroStats;
}

function delta(after: CacheProgStats, before: CacheProgStats): Record<"gets" | "hits" | "misses" | "puts", number> {
  return { gets: after.gets - before.gets, hits: after.hits - before.hits, misses: after.misses - before.misses, puts: after.puts - before.puts };
}

interface EntryFile {
  file: string;
  kind: EntryKind;
  id: Buffer;
}

function entryFiles(gocache: string): EntryFile[] {
  const found: EntryFile[] = [];
  for (const bucket of fs.readdirSync(gocache)) {
    if (!/^[0-9a-f]{2}$/.test(bucket)) continue;
    for (const name of fs.readdirSync(path.join(gocache, bucket))) {
      if (!/^[0-9a-f]{64}-[ad]$/.test(name)) continue;
      found.push({ file: path.join(gocache, bucket, name), kind: name.endsWith("-a") ? "a" : "d", id: Buffer.from(name.slice(0, 64), "hex") });
    }
  }
  return found;
}

function opens(entry: EntryFile, key: Buffer): boolean {
  return fs.existsSync(entry.file) && open(key, entry.kind, entry.id, fs.readFileSync(entry.file)) !== null;
}

async function currentKey(store: KeyStore = keyStore): Promise<Buffer> {
  const key = await store.readKey();
  if (!key) throw new Error("no key");
  return key;
}

/** Every file under GOCACHE, at any depth. */
function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? allFiles(full) : [full];
  });
}

interface ProtocolRequest {
  Command: "get" | "put";
  ActionID: Buffer;
  OutputID?: Buffer;
  body?: Buffer;
}

interface ProtocolResponse {
  ID: number;
  Err?: string;
  Miss?: boolean;
  Size?: number;
  DiskPath?: string;
}

/**
 * Runs one helper process over `requests` the way the go command speaks to it (JSON lines, a put's
 * body as a base64 string on the next line, then close), one request at a time; `onAnswer` sees
 * each answer while the helper still runs, so its DiskPath can still be read.
 */
async function talkToHelper(gocache: string, requests: ProtocolRequest[], onAnswer: (res: ProtocolResponse) => void = () => {}): Promise<ProtocolResponse[]> {
  const [program, ...args] = splitQuoted(commandLine);
  if (!program) throw new Error("empty command line");
  const child = spawn(program, args, { env: { ...process.env, ...goEnv(gocache) }, stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  let partial = "";
  let wake: (() => void) | null = null;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts.filter(Boolean));
    wake?.();
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const nextLine = async (): Promise<ProtocolResponse> => {
    while (lines.length === 0) {
      if (child.exitCode !== null) throw new Error("the helper exited early");
      await new Promise<void>((resolve) => (wake = resolve));
    }
    return JSON.parse(lines.shift() ?? "{}") as ProtocolResponse;
  };
  await nextLine(); // the handshake
  const answers: ProtocolResponse[] = [];
  for (const [index, req] of requests.entries()) {
    const size = req.body?.length ?? 0;
    const message = { ID: index + 1, Command: req.Command, ActionID: req.ActionID.toString("base64"), ...(req.OutputID ? { OutputID: req.OutputID.toString("base64") } : {}), ...(size ? { BodySize: size } : {}) };
    child.stdin.write(`${JSON.stringify(message)}\n`);
    if (req.body && size) child.stdin.write(`"${req.body.toString("base64")}"\n`);
    const res = await nextLine();
    expect(res.ID).toBe(index + 1);
    onAnswer(res);
    answers.push(res);
  }
  child.stdin.write(`${JSON.stringify({ ID: requests.length + 1, Command: "close" })}\n`);
  expect((await nextLine()).ID).toBe(requests.length + 1);
  child.stdin.end();
  await exited;
  return answers;
}

describe("describeCacheProg", () => {
  it("tells Go's disk cache, this helper with its version, and another program apart", () => {
    expect(describeCacheProg("")).toEqual({ kind: "disk" });
    expect(describeCacheProg(commandLine)).toEqual({ kind: "cachefleet", version: cacheProgVersion });
    expect(describeCacheProg("'/Users/dev/Library/Application Support/cachefleet/cacheprog/cachefleet-cacheprog-1.0.0-abc' -keychain /usr/bin/security")).toEqual({ kind: "cachefleet", version: "1.0.0-abc" });
    expect(describeCacheProg("/usr/local/bin/gobuildcache --remote https://cache.example")).toEqual({ kind: "other", commandLine: "/usr/local/bin/gobuildcache --remote https://cache.example" });
  });

  it("quotes a helper path with spaces the way the go command splits it", () => {
    expect(commandLine.startsWith(`'${helperDir}`) || !helperDir.includes(" ")).toBe(true);
    expect(commandLine).toContain(`-key-file '${keyFilePath(path.join(root, "agent home"))}'`);
  });
});

describe("the encrypted cache helper on real Go 1.24", () => {
  let gocache: string;
  /** Entries the warm build read, found by the mtime refresh (see the second test). */
  let used: EntryFile[] = [];

  it("builds a module through the helper; the rebuild takes everything from the cache and the binary runs", async () => {
    gocache = freshCache("main");
    const cold = await build(gocache);
    expect(cold).toMatchObject({ exitCode: 0, line: expectedLine });
    expect(cold.compiled).toBeGreaterThan(10);
    const afterCold = stats(gocache);
    expect(afterCold.puts).toBeGreaterThan(10);
    expect(afterCold.bytesWritten).toBeGreaterThan(0);

    const warm = await build(gocache);
    // Nothing had to be compiled again: every package came from the cache.
    expect(warm).toMatchObject({ exitCode: 0, line: expectedLine, compiled: 0 });
    const rebuilt = delta(stats(gocache), afterCold);
    expect(rebuilt.hits).toBeGreaterThan(10);
    expect(stats(gocache).bytesServed).toBeGreaterThan(0);
    expect(scratchRuns(gocache)).toEqual([]);
  }, slow);

  it("refreshes a used entry's mtime (at most hourly), so Go's trim rule keeps what is used", async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const entries = entryFiles(gocache);
    for (const entry of entries) fs.utimesSync(entry.file, twoHoursAgo, twoHoursAgo);
    expect((await build(gocache)).line).toBe(expectedLine);
    used = entries.filter((entry) => fs.statSync(entry.file).mtimeMs > twoHoursAgo.getTime() + 3600_000);
    expect(used.filter((entry) => entry.kind === "a").length).toBeGreaterThan(4);
    expect(used.filter((entry) => entry.kind === "d").length).toBeGreaterThan(4);
    expect(used.length).toBeLessThan(entries.length + 1);
  }, slow);

  it("leaves no plaintext in GOCACHE: every entry is sealed and the scan says encrypted", async () => {
    const key = await currentKey();
    const entries = entryFiles(gocache);
    expect(entries.length).toBeGreaterThan(20);
    for (const entry of entries) expect(opens(entry, key)).toBe(true);
    for (const file of allFiles(gocache)) {
      const head = fs.readFileSync(file).subarray(0, 4096);
      expect(magicFormat(head), file).toBeNull();
      expect(isActionLine(head), file).toBe(false);
      if (/-[ad]$/.test(file)) expect(classifyEntry(path.basename(file), head, fs.statSync(file).size > head.length)).toEqual({ class: "encrypted", format: "cachefleet" });
    }
    const summary = await scanCache(gocache);
    expect(summary.verdict).toBe("encrypted");
    expect(summary.classes.plaintext.count).toBe(0);
    expect(summary.formats.cachefleet?.count).toBe(entries.length);
  }, slow);

  it("treats a tampered, a truncated and a moved blob as misses, removes them, and still builds right", async () => {
    const key = await currentKey();
    const actions = used.filter((entry) => entry.kind === "a");
    const outputs = used.filter((entry) => entry.kind === "d" && fs.statSync(entry.file).size > 100);
    const [tampered, truncated, movedOnto, movedFrom] = actions;
    const [tamperedOutput] = outputs;
    if (!tampered || !truncated || !movedOnto || !movedFrom || !tamperedOutput) throw new Error("the warm build read too few entries");

    const flipLastByte = (file: string) => {
      const blob = fs.readFileSync(file);
      blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 0x01;
      fs.writeFileSync(file, blob);
    };
    flipLastByte(tampered.file);
    flipLastByte(tamperedOutput.file);
    fs.truncateSync(truncated.file, 20);
    fs.copyFileSync(movedFrom.file, movedOnto.file);
    for (const entry of [tampered, truncated, movedOnto, tamperedOutput]) expect(opens(entry, key)).toBe(false);

    const before = stats(gocache);
    expect((await build(gocache)).line).toBe(expectedLine);
    expect(delta(stats(gocache), before).misses).toBeGreaterThanOrEqual(4);
    // Each damaged entry was removed on its miss (and, where the go command stored the result
    // again, sealed afresh): none is left damaged.
    for (const entry of [tampered, truncated, movedOnto, tamperedOutput]) expect(!fs.existsSync(entry.file) || opens(entry, key)).toBe(true);
    expect(await build(gocache)).toMatchObject({ line: expectedLine, compiled: 0 });
  }, slow);

  it("rotates the key: every entry re-sealed under a new key, the old key gone, the next build all hits", async () => {
    const oldKey = await currentKey();
    const sealed = entryFiles(gocache);
    const lines: string[] = [];
    const result = await rotateCacheKey({ gocache, keyStore, log: (line) => lines.push(line), concurrency: 4 });
    expect(result).toEqual({ resealed: sealed.length, dropped: 0 });
    const newKey = await currentKey();
    expect(newKey.equals(oldKey)).toBe(false);
    expect(await keyStore.readPendingKey()).toBeNull();
    expect(fs.readFileSync(keyFilePath(path.join(root, "agent home")), "utf8")).not.toContain(oldKey.toString("hex"));
    for (const entry of entryFiles(gocache)) {
      expect(opens(entry, newKey)).toBe(true);
      expect(opens(entry, oldKey)).toBe(false);
    }
    expect(lines.some((line) => /re-sealed/.test(line))).toBe(true);
    for (const line of lines) expect(line).not.toContain(newKey.toString("hex"));

    expect(await build(gocache)).toMatchObject({ line: expectedLine, compiled: 0 });
  }, slow);

  it("drops an entry that opens with neither key during rotation", async () => {
    const [victim] = entryFiles(gocache).filter((entry) => entry.kind === "d");
    if (!victim) throw new Error("no entries");
    const blob = fs.readFileSync(victim.file);
    blob[30] = (blob[30] ?? 0) ^ 0xff;
    fs.writeFileSync(victim.file, blob);
    const result = await rotateCacheKey({ gocache, keyStore, log: () => undefined });
    expect(result.dropped).toBe(1);
    expect(fs.existsSync(victim.file)).toBe(false);
    expect((await build(gocache)).line).toBe(expectedLine);
  }, slow);

  it("trims by Go's rule: at most once a day, entries unused for 5 days and an hour", async () => {
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000);
    const stale = path.join(gocache, "ff", `${"f".repeat(64)}-d`);
    fs.writeFileSync(stale, "old");
    fs.utimesSync(stale, sixDaysAgo, sixDaysAgo);
    // Trimmed an hour ago: not again today.
    fs.writeFileSync(path.join(gocache, "trim.txt"), String(Math.floor(Date.now() / 1000) - 3600));
    expect((await build(gocache)).line).toBe(expectedLine);
    expect(fs.existsSync(stale)).toBe(true);
    // Trimmed two days ago: due.
    fs.writeFileSync(path.join(gocache, "trim.txt"), String(Math.floor(Date.now() / 1000) - 2 * 86_400));
    expect((await build(gocache)).line).toBe(expectedLine);
    expect(fs.existsSync(stale)).toBe(false);
    const trimmedAt = Number(fs.readFileSync(path.join(gocache, "trim.txt"), "utf8"));
    expect(Math.abs(trimmedAt - Date.now() / 1000)).toBeLessThan(600);
    // What the build uses survives.
    expect(entryFiles(gocache).length).toBeGreaterThan(20);
  }, slow);
});

describe("the helper under concurrency, crashes and a missing key", () => {
  it("serves two go commands building at once on one GOCACHE", async () => {
    const gocache = freshCache("concurrent");
    const [first, second] = await Promise.all([build(gocache, goEnv(gocache), "app-1"), build(gocache, goEnv(gocache), "app-2")]);
    expect(first).toMatchObject({ exitCode: 0, line: expectedLine });
    expect(second).toMatchObject({ exitCode: 0, line: expectedLine });
    const key = await currentKey();
    for (const entry of entryFiles(gocache)) expect(opens(entry, key)).toBe(true);
    expect(await build(gocache)).toMatchObject({ line: expectedLine, compiled: 0 });
  }, slow);

  it("leaves no plaintext after a go command is killed mid-build: the next start removes the dead run's scratch", async () => {
    const gocache = freshCache("killed");
    const child = spawn(go, ["build", "-o", path.join(path.dirname(gocache), "app"), "./cmd/app"], { cwd: moduleDir, env: { ...process.env, ...goEnv(gocache) }, detached: true, stdio: "ignore" });
    // Wait until the helper has written decrypted or fresh outputs into its scratch.
    const scratchHasFiles = () =>
      scratchRuns(gocache).some((name) => !name.endsWith(".lock") && fs.readdirSync(path.join(scratchTmp(gocache), `cachefleet-cacheprog-${process.getuid?.() ?? 0}`, name)).length > 0);
    while (!scratchHasFiles()) {
      if (child.exitCode !== null) throw new Error("the build ended before it could be killed");
      await sleep(20);
    }
    const exited = new Promise((resolve) => child.once("exit", resolve));
    // The whole process group: the go command, the helper and the compiler, as a crash would.
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    await exited;
    await sleep(200);
    const left = scratchRuns(gocache);
    expect(left.some((name) => name.startsWith("run-") && !name.endsWith(".lock"))).toBe(true);

    expect((await build(gocache)).line).toBe(expectedLine);
    expect(scratchRuns(gocache)).toEqual([]);
    const summary = await scanCache(gocache);
    expect(summary.classes.plaintext.count).toBe(0);
  }, slow);

  it("answers gets one after another from one reused buffer: each DiskPath holds exactly its own output, a damaged one is a miss", async () => {
    // Driven over the protocol directly, as the go command does, so the order and sizes are ours:
    // a large output, then smaller ones into the same (larger) buffer, then one that makes it grow
    // again (past 4 MB, where Linux maps it with huge pages), and a damaged one in between.
    const gocache = freshCache("protocol");
    const sizes = [5 << 20, 100, 0, 1 << 20, 9 << 20, 3];
    const outputs = sizes.map((size) => {
      const body = randomBytes(size);
      return { actionId: randomBytes(32), outputId: createHash("sha256").update(body).digest(), body };
    });
    const stored = await talkToHelper(gocache, outputs.map((output) => ({ Command: "put", ActionID: output.actionId, OutputID: output.outputId, body: output.body })));
    expect(stored.map((res) => res.Err ?? "")).toEqual(outputs.map(() => ""));

    const damaged = outputs[3];
    if (!damaged) throw new Error("no output to damage");
    const damagedFile = path.join(gocache, damaged.outputId.toString("hex").slice(0, 2), `${damaged.outputId.toString("hex")}-d`);
    const blob = fs.readFileSync(damagedFile);
    blob[blob.length - 100] = (blob[blob.length - 100] ?? 0) ^ 0x01;
    fs.writeFileSync(damagedFile, blob);

    const order = [0, 1, 2, 3, 4, 5, 1, 0];
    const served: (Buffer | "miss")[] = [];
    const answers = await talkToHelper(
      gocache,
      order.map((index) => ({ Command: "get", ActionID: outputs[index]?.actionId ?? Buffer.alloc(0) })),
      (res) => served.push(res.Miss ? "miss" : fs.readFileSync(res.DiskPath ?? "")),
    );
    expect(answers.map((res) => res.Err ?? "")).toEqual(order.map(() => ""));
    order.forEach((index, at) => {
      const output = outputs[index];
      if (!output) throw new Error("no output");
      if (index === 3) {
        expect(served[at]).toBe("miss");
        return;
      }
      const got = served[at];
      expect(got === "miss" ? "miss" : createHash("sha256").update(got ?? "").digest("hex"), `get ${at} (output ${index}, ${output.body.length} bytes)`).toBe(output.outputId.toString("hex"));
      expect(answers[at]?.Size ?? 0).toBe(output.body.length);
    });
    expect(fs.existsSync(damagedFile)).toBe(false);
    expect(scratchRuns(gocache)).toEqual([]);
  }, slow);

  it("builds uncached, with one clear line, when the key cannot be read", async () => {
    const gocache = freshCache("no-key");
    const exposed = path.join(root, "exposed-key");
    fs.writeFileSync(exposed, `${"ab".repeat(32)}\n`, { mode: 0o644 });
    fs.chmodSync(exposed, 0o644);
    const helper = commandLine.replace(/-key-file .*$/, `-key-file ${exposed}`);
    const result = await build(gocache, goEnv(gocache, { GOCACHEPROG: helper }));
    expect(result).toMatchObject({ exitCode: 0, line: expectedLine });
    const complaints = result.stderr.split("\n").filter((line) => line.startsWith("cachefleet-cacheprog:"));
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toMatch(/cache key could not be read .*readable by other users.*runs uncached/);
    expect(entryFiles(gocache)).toEqual([]);
    expect(stats(gocache)).toMatchObject({ hits: 0 });
    expect(stats(gocache).misses).toBe(stats(gocache).gets);
  }, slow);

  it("turns an old plaintext cache mixed when the helper is switched on without a clean", async () => {
    const gocache = freshCache("mixed");
    expect((await build(gocache, goEnv(gocache, { GOCACHEPROG: "" }))).line).toBe(expectedLine);
    expect((await scanCache(gocache)).verdict).toBe("plaintext");
    expect(fs.existsSync(path.join(gocache, cacheProgStatsFile))).toBe(false);
    fs.writeFileSync(path.join(moduleDir, "pkg001", "extra.go"), "package pkg001\n\n// Extra changes the package, so the helper stores new entries.\nfunc Extra() int { return 0 }\n");
    try {
      expect((await build(gocache)).line).toBe(expectedLine);
    } finally {
      fs.rmSync(path.join(moduleDir, "pkg001", "extra.go"));
    }
    expect((await scanCache(gocache)).verdict).toBe("mixed");
  }, slow);
});

describe("the key in the Keychain never shows on a command line", () => {
  it("creates the key through security's stdin and the helper reads it from security's stdout while /proc shows no argv with it", async () => {
    const dir = path.join(root, "keychain");
    fs.mkdirSync(dir, { recursive: true });
    const standinEnv = {
      CACHEFLEET_STANDIN_KEYCHAIN: "absent",
      CACHEFLEET_STANDIN_KEYCHAIN_SECRETS: "readable",
      CACHEFLEET_STANDIN_STATE: path.join(dir, "standin-state"),
      CACHEFLEET_STANDIN_LOG: path.join(dir, "standin.log"),
    };
    const commands = standinRunner({ dir, keychain: "absent", keychainSecrets: "readable" });
    const keychain = createKeyStore({ platform: "darwin", agentHome: path.join(dir, "agent"), account: "dev", commands, toolPath: [macosBin] });

    // Every command line and environment of this user's processes, sampled while the key is made and used.
    const seen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
          for (const part of ["cmdline", "environ"]) {
            try {
              seen.add(fs.readFileSync(`/proc/${pid}/${part}`, "latin1"));
            } catch {
              // The process ended or is not ours.
            }
          }
        }
        await sleep(5);
      }
    })();

    let built: Build;
    let keychainLine: string;
    const gocache = freshCache("keychain-build");
    try {
      expect(await keychain.exists()).toBe(false);
      expect(await keychain.ensure()).toEqual({ created: true });
      keychainLine = (await prepareCacheProg({ go, commands, agentHome: path.join(dir, "agent"), keyStore: keychain, helperDir })).commandLine;
      built = await build(gocache, goEnv(gocache, { ...standinEnv, GOCACHEPROG: keychainLine }));
    } finally {
      watching = false;
      await watcher;
    }
    expect(built).toMatchObject({ exitCode: 0, line: expectedLine });
    expect(keychainLine).toContain(`-keychain ${path.join(macosBin, "security")} -service go-build-cache-encryption-key -account dev`);

    const key = await currentKey(keychain);
    const secrets = [key.toString("hex"), key.toString("hex").toUpperCase(), key.toString("base64")];
    expect(seen.size).toBeGreaterThan(10);
    for (const text of seen) for (const secret of secrets) expect(text.includes(secret)).toBe(false);
    for (const secret of secrets) {
      expect(built.stderr).not.toContain(secret);
      expect(fs.readFileSync(standinEnv.CACHEFLEET_STANDIN_LOG, "utf8")).not.toContain(secret);
    }
    // The helper did read the key itself, and sealed with it.
    expect(fs.readFileSync(standinEnv.CACHEFLEET_STANDIN_LOG, "utf8")).toContain("find-generic-password\t-s\tgo-build-cache-encryption-key\t-a\tdev\t-w");
    const entries = entryFiles(gocache);
    expect(entries.length).toBeGreaterThan(20);
    for (const entry of entries) expect(opens(entry, key)).toBe(true);
  }, slow);
});
