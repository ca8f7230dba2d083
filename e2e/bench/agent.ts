// The idle agent bench (issue 11 §4): the real agent (apps/agent/dist/cli.js, heartbeat every
// 60 s as shipped) against the real dashboard (`next start`, SQLite) with a real GOCACHE filled by
// Go 1.22, measured from outside:
//   idle    N minutes (10 by default) after its first full report: CPU-seconds per minute from
//           /proc/<pid>/stat, resident memory from /proc/<pid>/status, and the bytes it sends,
//           counted by a loopback proxy between it and the dashboard, per hour;
//   build   a `go build` that adds entries: how long until the dashboard holds the new full
//           report, the CPU that took, and the peak memory (VmHWM) over the whole run;
//   (ref)   an idle `node` process with one timer, started with the agent: the floor any Node
//           program pays for CPU and memory on this machine in the same minutes.
//
//   pnpm bench:agent [--idle-minutes 10]
//
// Targets: idle ≤ 0.05 cpu-s/min, idle RSS ≤ 64 MB, ≤ 50 KB sent per idle hour. The last line
// reads `agent idle <x> cpu-s/min rss <y> MB`. Needs the workspace built (`pnpm build`).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { execa, type ResultPromise } from "execa";
import { createDatabase, databaseTarget } from "@cachefleet/db";
import { checkoutLocations, repositoryRoot } from "@cachefleet/db/layout";
import { fillGoCache, go122, goEnvironment } from "../support/go-cache.js";
import { makeWorkDir, startDashboard } from "../support/stack.js";
import { describeError } from "./errors.js";
import { cleanups, cleanUp } from "./stats.js";

const agentCli = path.join(repositoryRoot, "apps/agent/dist/cli.js");
// Launched exactly as the installed service and `pnpm start` launch it (apps/agent/src/launch.ts).
const daemon = readDaemonSettings(path.join(repositoryRoot, "apps/agent/package.json"));
const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** The daemon's Node flags and Linux environment from the agent's package.json. */
function readDaemonSettings(manifestFile: string): { nodeFlags: string[]; linuxEnv: Record<string, string> } {
  const manifest: unknown = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  const daemon: unknown = typeof manifest === "object" && manifest !== null && "daemon" in manifest ? manifest.daemon : null;
  const nodeFlags: unknown = typeof daemon === "object" && daemon !== null && "nodeFlags" in daemon ? daemon.nodeFlags : null;
  const linuxEnv: unknown = typeof daemon === "object" && daemon !== null && "linuxEnv" in daemon ? daemon.linuxEnv : null;
  const strings = (value: unknown[]): value is string[] => value.every((item) => typeof item === "string");
  if (!Array.isArray(nodeFlags) || !strings(nodeFlags)) throw new Error(`${manifestFile} has no "daemon.nodeFlags" list of strings`);
  if (typeof linuxEnv !== "object" || linuxEnv === null || !strings(Object.values(linuxEnv))) throw new Error(`${manifestFile} has no "daemon.linuxEnv" object of strings`);
  return { nodeFlags, linuxEnv: Object.fromEntries(Object.entries(linuxEnv).map(([name, value]) => [name, String(value)])) };
}

function readOptions(): { idleMinutes: number } {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === "--")),
    options: { "idle-minutes": { type: "string", default: "10" } },
  });
  const idleMinutes = Number(values["idle-minutes"]);
  if (!Number.isFinite(idleMinutes) || idleMinutes < 1) throw new Error(`--idle-minutes must be a number of at least 1, got "${values["idle-minutes"]}"`);
  return { idleMinutes };
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memoryMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** A loopback TCP proxy that counts the bytes the client sends. */
async function countingProxy(targetUrl: string): Promise<{ url: string; sent: () => number; close: () => Promise<void> }> {
  const target = new URL(targetUrl);
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.on("data", (chunk: Buffer) => {
      sent += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    sent: () => sent,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => Promise<T | null> | T | null, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function stop(child: ResultPromise): Promise<void> {
  if (child.exitCode === null) child.kill("SIGTERM");
  await child;
}

async function main(): Promise<void> {
  const { idleMinutes } = readOptions();
  const workDir = makeWorkDir("bench-agent");
  cleanups.push(async () => fs.rmSync(workDir, { recursive: true, force: true }));
  console.log(`agent bench: ${idleMinutes} idle minutes, then a build; work folder ${workDir}`);
  const launchEnv = process.platform === "linux" ? Object.entries(daemon.linuxEnv).map(([name, value]) => `${name}=${value} `).join("") : "";
  console.log(`agent launched as the service runs it: ${launchEnv}node ${daemon.nodeFlags.join(" ")} cli.js run`);

  const dashboard = await startDashboard(workDir);
  cleanups.push(dashboard.stop);
  const proxy = await countingProxy(dashboard.url);
  cleanups.push(proxy.close);
  const database = createDatabase(databaseTarget(`file:${path.join(workDir, "data", "cachefleet.db")}`, checkoutLocations()));
  cleanups.push(database.close);
  const reports = () => database.db.report.count();

  const filled = Date.now();
  await fillGoCache(workDir);
  console.log(`GOCACHE filled by go build in ${((Date.now() - filled) / 1000).toFixed(1)} s`);

  const home = path.join(workDir, "agent-home");
  const env = { ...goEnvironment(workDir), HOME: path.join(workDir, "home"), CACHEFLEET_AGENT_HOME: home, CACHEFLEET_GO: go122, CACHEFLEET_MACHINE_NAME: "bench-mac", PATH: process.env.PATH ?? "" };
  await execa(process.execPath, [agentCli, "enroll", "--server", proxy.url, "--secret", dashboard.enrollmentSecret], { env, extendEnv: false });
  let output = "";
  const agent = execa(process.execPath, [...daemon.nodeFlags, agentCli, "run"], { env: { ...env, ...(process.platform === "linux" ? daemon.linuxEnv : {}) }, extendEnv: false, reject: false, all: true });
  agent.all?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  cleanups.push(() => stop(agent));
  const reference = execa(process.execPath, ["-e", "setInterval(() => {}, 60_000)"], { reject: false });
  cleanups.push(() => stop(reference));
  const agentPid = agent.pid;
  const referencePid = reference.pid;
  if (agentPid === undefined || referencePid === undefined) throw new Error("a process did not start");

  await until("the first full report", async () => ((await reports()) >= 1 ? true : null), 180_000);
  // Let the start-up work (the first scan's threads, module loading) finish and settle.
  await sleep(30_000);

  // Idle ---------------------------------------------------------------------------------------
  const idleStart = { at: performance.now(), agentCpu: cpuSeconds(agentPid), referenceCpu: cpuSeconds(referencePid), sent: proxy.sent(), reports: await reports() };
  const rss: number[] = [];
  const referenceRss: number[] = [];
  const idleEnd = Date.now() + idleMinutes * 60_000;
  while (Date.now() < idleEnd) {
    rss.push(memoryMb(agentPid).rss);
    referenceRss.push(memoryMb(referencePid).rss);
    await sleep(Math.min(10_000, Math.max(0, idleEnd - Date.now())));
  }
  const minutes = (performance.now() - idleStart.at) / 60_000;
  const idleCpu = (cpuSeconds(agentPid) - idleStart.agentCpu) / minutes;
  const referenceCpu = (cpuSeconds(referencePid) - idleStart.referenceCpu) / minutes;
  const sentPerHour = ((proxy.sent() - idleStart.sent) / minutes) * 60;
  const idleReports = (await reports()) - idleStart.reports;
  const idleRss = Math.max(...rss);
  const referenceIdleRss = Math.max(...referenceRss);

  // Build --------------------------------------------------------------------------------------
  const module = path.join(workDir, "hello");
  fs.writeFileSync(
    path.join(module, "main.go"),
    'package main\n\nimport (\n\t"encoding/json"\n\t"encoding/xml"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\t_ = json.NewEncoder(os.Stdout).Encode(http.StatusOK)\n\t_ = xml.NewEncoder(os.Stdout)\n}\n',
  );
  const beforeBuild = { reports: await reports(), cpu: cpuSeconds(agentPid) };
  const buildStarted = performance.now();
  await execa(go122, ["build", "-o", path.join(workDir, "hello-bin"), "."], { cwd: module, env: { ...process.env, ...goEnvironment(workDir) } });
  const built = performance.now();
  await until("the full report after the build", async () => ((await reports()) > beforeBuild.reports ? true : null), 180_000);
  const reported = performance.now();
  // Any report still on its way after this one would show here.
  await sleep(15_000);
  const buildReports = (await reports()) - beforeBuild.reports;
  const buildCpu = cpuSeconds(agentPid) - beforeBuild.cpu;
  const peak = memoryMb(agentPid).peak;
  const afterBuildRss = memoryMb(agentPid).rss;

  const mb = (value: number) => value.toFixed(1);
  console.log("");
  console.log(`idle (${minutes.toFixed(1)} min, heartbeat every 60 s):`);
  console.log(`  cpu        ${idleCpu.toFixed(4)} cpu-s/min   (ref idle node ${referenceCpu.toFixed(4)} cpu-s/min; target ≤ 0.05)`);
  console.log(`  rss        ${mb(idleRss)} MB max       (ref idle node ${mb(referenceIdleRss)} MB, ratio ${(idleRss / referenceIdleRss).toFixed(2)}; target ≤ 64)`);
  console.log(`  sent       ${(sentPerHour / 1024).toFixed(1)} KB per hour   (target ≤ 50)`);
  console.log(`  reports    ${idleReports} full reports stored while idle`);
  console.log(`build (go build adding encoding/xml):`);
  console.log(`  go build   ${((built - buildStarted) / 1000).toFixed(1)} s`);
  console.log(`  reported   ${((reported - built) / 1000).toFixed(1)} s after the build ended; ${buildReports} full report(s)`);
  console.log(`  cpu        ${buildCpu.toFixed(2)} cpu-s for the rescan and report`);
  console.log(`  rss        ${mb(afterBuildRss)} MB after, peak ${mb(peak)} MB over the whole run`);
  const verdict = idleCpu <= 0.05 && idleRss <= 64 && sentPerHour <= 50 * 1024 ? "within targets" : "OUTSIDE targets";
  console.log(`targets: ${verdict}`);
  if (process.env.CACHEFLEET_BENCH_VERBOSE) console.log(output);
  console.log(`agent idle ${idleCpu.toFixed(4)} cpu-s/min rss ${mb(idleRss)} MB`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanUp().finally(() => process.exit(130)));
}
main()
  .catch((error: unknown) => {
    console.error(describeError(error));
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
