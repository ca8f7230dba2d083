// pnpm bench:cacheprog — Go's default disk cache against the encrypted helper, measured in the
// same run on a generated module (50 packages over a few standard packages, built offline with
// real Go 1.24): warm builds (every action a hit) and cold builds (a fresh GOCACHE), medians of
// interleaved runs, the ratios, the helper's per-request latency, and the start-up figures behind
// writing the helper in Go. Targets: warm ≤ 1.25×, cold ≤ 1.10×. The last line is
// `cacheprog warm <x>x cold <y>x` (the helper against the disk cache).
//
// The same runs also build through the protocol floor (cacheprog-floor/main.go, compiled here
// with the same go): a helper that only speaks the protocol, keeping plaintext in GOCACHE and
// answering with paths straight into it. What it costs beyond the disk cache, any GOCACHEPROG
// helper pays; what the encrypted helper costs beyond it is Cachefleet's own.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createCommandRunner } from "../src/commands.js";
import { createKeyStore } from "../src/keystore.js";
import { cacheProgVersion, prepareCacheProg, readCacheProgStats } from "../src/cacheprog/index.js";
import { splitQuoted } from "../src/cacheprog/quoted.js";
import { writeGoModule } from "../src/test-support/go-module.js";
import { requireGo124 } from "../src/test-support/standins.js";
import floorSource from "./cacheprog-floor/main.go";

const warmRuns = 9;
const coldRuns = 3;
const go = requireGo124();
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-bench-cacheprog-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/**
 * CPU time (user + system) of this process's waited-for children, from /proc/self/stat (cutime,
 * cstime in clock ticks of 10 ms); 0 where there is no /proc. It counts what a build costs, not how
 * long it waited for CPUs the machine's other work held.
 */
function childrenCpuMs(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

try {
  const moduleDir = path.join(root, "module");
  const expected = writeGoModule(moduleDir, { packages: 50, std: ["strings", "strconv", "sort", "encoding/json", "net/url"] });
  const commands = createCommandRunner({ toolPath: [] });
  const keyStore = createKeyStore({ platform: "linux", agentHome: path.join(root, "agent"), account: os.userInfo().username, commands, toolPath: [] });
  await keyStore.ensure();
  const helperDir = path.join(os.tmpdir(), `cachefleet-test-helper-${cacheProgVersion}`);
  const { commandLine } = await prepareCacheProg({ go, commands, agentHome: path.join(root, "agent"), keyStore, helperDir, log: (line) => console.log(line) });
  const latencyLog = path.join(root, "latency.log");

  // The floor, compiled with the same toolchain (its own build cache, no GOCACHEPROG).
  const floorDir = path.join(root, "floor");
  fs.mkdirSync(floorDir);
  fs.writeFileSync(path.join(floorDir, "main.go"), floorSource);
  const floorBinary = path.join(floorDir, "cacheprog-floor");
  const floorBuild = spawnSync(go, ["build", "-trimpath", "-ldflags", "-s -w", "-o", floorBinary, "main.go"], {
    cwd: floorDir,
    env: { ...process.env, GOENV: "off", GOCACHE: path.join(floorDir, "build-cache"), GOCACHEPROG: "", GOFLAGS: "", GOTOOLCHAIN: "local" },
    encoding: "utf8",
  });
  if (floorBuild.status !== 0) throw new Error(`compiling the protocol floor failed: ${floorBuild.stderr}`);

  type Backend = "disk" | "helper" | "floor";
  const backends: readonly Backend[] = ["disk", "helper", "floor"];
  const goCacheProg: Record<Backend, string> = { disk: "", helper: commandLine, floor: floorBinary };
  const envFor = (gocache: string, backend: Backend): NodeJS.ProcessEnv => ({
    ...process.env,
    GOCACHE: gocache,
    GOCACHEPROG: goCacheProg[backend],
    GOENV: path.join(root, "no-go-env"),
    GOPATH: path.join(root, "gopath"),
    GOFLAGS: "-modcacherw",
    GOPROXY: "off",
    GOTOOLCHAIN: "local",
    GOTELEMETRY: "off",
    ...(backend === "helper" ? { CACHEFLEET_CACHEPROG_LATENCY_LOG: latencyLog } : {}),
  });

  /** One `go build` of the command; returns its wall time in ms and records its CPU time. */
  const cpu: Record<Backend, number> = { disk: 0, helper: 0, floor: 0 };
  const buildOnce = (gocache: string, backend: Backend): number => {
    const app = path.join(root, "app");
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const result = spawnSync(go, ["build", "-o", app, "./cmd/app"], { cwd: moduleDir, env: envFor(gocache, backend), encoding: "utf8" });
    const elapsed = performance.now() - started;
    cpu[backend] += childrenCpuMs() - cpuBefore;
    if (result.status !== 0) throw new Error(`go build failed (${backend}): ${result.stderr}`);
    const line = spawnSync(app, [], { encoding: "utf8" }).stderr.trim();
    if (line !== expected) throw new Error(`the built command printed ${JSON.stringify(line)}, not ${JSON.stringify(expected)}`);
    return elapsed;
  };

  console.log(`cacheprog bench: ${spawnSync(go, ["version"], { encoding: "utf8" }).stdout.trim()}; a module of 50 packages and a command; ${os.cpus().length} CPUs`);

  // Start-up: the go command starts its helper once per invocation.
  const [helperBinary, ...helperArgs] = splitQuoted(commandLine);
  if (!helperBinary) throw new Error("empty command line");
  const handshakes: number[] = [];
  for (let run = 0; run < 15; run++) {
    const gocache = path.join(root, "handshake-cache");
    fs.mkdirSync(gocache, { recursive: true });
    const started = performance.now();
    const child = spawn(helperBinary, helperArgs, { env: envFor(gocache, "helper"), stdio: ["pipe", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.once("data", () => resolve());
      child.once("error", reject);
    });
    handshakes.push(performance.now() - started);
    child.stdin.end();
    await new Promise((resolve) => child.once("exit", resolve));
  }
  const nodeStarts: number[] = [];
  for (let run = 0; run < 15; run++) {
    const started = performance.now();
    spawnSync(process.execPath, ["-e", ""]);
    nodeStarts.push(performance.now() - started);
  }
  console.log(`start-up: the Go helper answers its handshake in ${median(handshakes).toFixed(1)} ms (median of 15); a bare \`node -e ""\` takes ${median(nodeStarts).toFixed(1)} ms to start and exit`);

  const series = () => ({ disk: [] as number[], helper: [] as number[], floor: [] as number[] });
  const resetCpu = () => backends.forEach((backend) => (cpu[backend] = 0));
  const labels: Record<Backend, string> = { disk: "disk cache  ", helper: "helper      ", floor: "floor       " };
  const printSeries = (times: Record<Backend, number[]>) => {
    for (const backend of backends) console.log(`  ${labels[backend]} median ${ms(median(times[backend]))}  [${times[backend].map((v) => v.toFixed(0)).join(" ")}]`);
  };
  const cpuLine = (runs: number) =>
    `disk ${ms(cpu.disk / runs)}, helper ${ms(cpu.helper / runs)} (${(cpu.helper / cpu.disk).toFixed(2)}x), floor ${ms(cpu.floor / runs)} (${(cpu.floor / cpu.disk).toFixed(2)}x) per build`;

  // Warm: each cache primed by two builds, then interleaved timed builds.
  const warmCache: Record<Backend, string> = { disk: path.join(root, "warm-disk"), helper: path.join(root, "warm-helper"), floor: path.join(root, "warm-floor") };
  for (let prime = 0; prime < 2; prime++) for (const backend of backends) buildOnce(warmCache[backend], backend);
  const before = readCacheProgStats(warmCache.helper);
  fs.rmSync(latencyLog, { force: true });
  const warm = series();
  resetCpu();
  for (let run = 0; run < warmRuns; run++) for (const backend of backends) warm[backend].push(buildOnce(warmCache[backend], backend));
  const after = readCacheProgStats(warmCache.helper);
  const warmLatencies = fs.readFileSync(latencyLog, "utf8").split("\n").filter(Boolean).map(Number);
  const warmPuts = (after?.puts ?? 0) - (before?.puts ?? 0);
  const warmHits = (after?.hits ?? 0) - (before?.hits ?? 0);
  const warmGets = (after?.gets ?? 0) - (before?.gets ?? 0);
  console.log(`warm (every action a hit: ${warmHits} of ${warmGets} gets hit over ${warmRuns} builds, ${warmPuts} puts):`);
  printSeries(warm);
  if (cpu.disk > 0) console.log(`  CPU time (go, helper, compiler, linker; less sensitive to other load): ${cpuLine(warmRuns)}`);

  // Cold: a fresh GOCACHE each run, so every action (the standard packages' too) is a miss.
  fs.rmSync(latencyLog, { force: true });
  const cold = series();
  resetCpu();
  for (let run = 0; run < coldRuns; run++) for (const backend of backends) cold[backend].push(buildOnce(path.join(root, `cold-${backend}-${run}`), backend));
  const coldLatencies = fs.readFileSync(latencyLog, "utf8").split("\n").filter(Boolean).map(Number);
  console.log(`cold (a fresh GOCACHE each run):`);
  printSeries(cold);
  if (cpu.disk > 0) console.log(`  CPU time: ${cpuLine(coldRuns)}`);

  const latency = (values: number[]) => `p50 ${percentile(values, 50)} µs, p99 ${percentile(values, 99)} µs over ${values.length} requests`;
  console.log(`helper request latency (receipt to answer): warm gets ${latency(warmLatencies)}; cold gets and puts ${latency(coldLatencies)}`);
  const ratio = (times: Record<Backend, number[]>, backend: Backend, against: Backend) => median(times[backend]) / median(times[against]);
  const warmRatio = ratio(warm, "helper", "disk");
  const coldRatio = ratio(cold, "helper", "disk");
  const floorWarm = ratio(warm, "floor", "disk");
  const floorCold = ratio(cold, "floor", "disk");
  const met = (value: number, target: number) => (value <= target ? "met" : "NOT met");
  console.log(`targets: warm ≤ 1.25x (${met(warmRatio, 1.25)}; the floor ${met(floorWarm, 1.25)}), cold ≤ 1.10x (${met(coldRatio, 1.1)}; the floor ${met(floorCold, 1.1)})`);
  console.log(
    `protocol floor warm ${floorWarm.toFixed(2)}x cold ${floorCold.toFixed(2)}x; helper against the floor warm ${ratio(warm, "helper", "floor").toFixed(2)}x cold ${ratio(cold, "helper", "floor").toFixed(2)}x`,
  );
  console.log(`cacheprog warm ${warmRatio.toFixed(2)}x cold ${coldRatio.toFixed(2)}x`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
