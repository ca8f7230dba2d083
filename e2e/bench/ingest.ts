// The ingest bench (issue 11 §4): simulated agents against ONE real dashboard (`next start`) on a
// fresh database, SQLite and PostgreSQL in turn, for a fleet of 10,000 machines:
//   seed      every machine with one full report, written to the database (with its digest);
//   mixed     heartbeats and full reports 9:1 to random machines, `--concurrency` in flight, for
//             `--seconds`: sustained requests/s, p50/p99 of each kind;
//   (ref)     the same loop of a trivial request through the same route (an unknown procedure),
//             so the figures read against what the machine gives any request here;
//   storage   through the dashboard's own queries on the same database: bytes each stored
//             report adds with its index entries (dbstat on SQLite, relation sizes on
//             PostgreSQL) and that heartbeats add no row, hence bytes per machine-day idle (a
//             full report every 6 hours) and busy (a developer building for 8 hours: a report
//             per 5 minutes, the agent's limit, plus the 6-hourly ones);
//   retention how fast the retention job thins a busy day of history, against the fleet's rate.
//
//   pnpm bench:ingest [--machines 10000] [--seconds 30] [--concurrency 32] [--database sqlite|postgresql|both] [--cpu-prof DIR]
//
// Both loops first run unmeasured for a few seconds, so neither is timed while the server's code
// is still being compiled; the reference is measured half before and half after the mixed phase,
// so a change in the machine's load (it is shared) weighs on both alike. The load generator runs
// on the same cores: its own CPU time per request is printed, so its share can be read off.
// `--cpu-prof DIR` writes a CPU profile of the `next start` process there when it stops.
//
// Targets: ≥ 1,000 req/s at p99 < 100 ms on each database; ≤ 10 KB per idle machine-day and
// ≤ 200 KB per busy one. The last line per database reads
// `ingest <n> req/s p99 <x> ms, <k> KB per idle machine-day (<database>)`.
// Needs the workspace built (`pnpm build`).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { parseArgs } from "node:util";
import { enforceRetention, insertReports, providerOf, recordHeartbeat, recordReport, type Db, type ReportSeed } from "@cachefleet/db";
import { agentReport, reportDigest } from "@cachefleet/db/test-support";
import { startDashboardServer } from "../support/stack.js";
import { benchDatabase, cleanups, ms, nearestRank, runBench, type Provider } from "./stats.js";

interface Options {
  machines: number;
  seconds: number;
  concurrency: number;
  providers: Provider[];
  cpuProfileDir: string | undefined;
}

function readOptions(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === "--")),
    options: {
      machines: { type: "string", default: "10000" },
      seconds: { type: "string", default: "30" },
      concurrency: { type: "string", default: "32" },
      database: { type: "string", default: "both" },
      "cpu-prof": { type: "string" },
    },
  });
  const whole = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, got "${text}"`);
    return value;
  };
  const database = values.database;
  if (database !== "sqlite" && database !== "postgresql" && database !== "both") throw new Error(`--database must be sqlite, postgresql or both, got "${database}"`);
  return {
    machines: whole("machines", values.machines, 10),
    seconds: whole("seconds", values.seconds, 1),
    concurrency: whole("concurrency", values.concurrency, 1),
    providers: database === "both" ? ["sqlite", "postgresql"] : [database],
    cpuProfileDir: values["cpu-prof"],
  };
}

const idleReportsPerDay = 4;
/** 8 hours of builds at one report per 5 minutes, plus the 6-hourly reports of the other 16. */
const busyReportsPerDay = (8 * 60) / 5 + 16 / 6;

interface SimulatedMachine {
  id: string;
  token: string;
  hostname: string;
  digest: string | null;
  entries: number;
}

/**
 * Machines with one full report each, written straight into the database (the warm-up is not
 * what is measured): the dashboard knows each one's digest, as after its first report.
 */
async function seedMachines(db: Db, count: number): Promise<SimulatedMachine[]> {
  const machines: SimulatedMachine[] = [];
  const reports: ReportSeed[] = [];
  const rows: { id: string; tokenHash: string; hostname: string; username: string; platform: string; osRelease: string; arch: string; lastSeenAt: Date; latestReportId: string; latestReportDigest: string }[] = [];
  for (let index = 0; index < count; index++) {
    const token = randomBytes(32).toString("base64url");
    const hostname = `mbp-${String(index).padStart(5, "0")}`;
    const id = `m${randomBytes(12).toString("hex")}`;
    const machine: SimulatedMachine = { id, token, hostname, digest: null, entries: 1000 + (index % 500) };
    const report = reportOf(machine);
    machine.digest = reportDigest(report);
    machines.push(machine);
    reports.push({ id: report.id, machineId: id, takenAt: new Date(report.takenAt), receivedAt: new Date(), payload: JSON.stringify(report), cacheEntries: machine.entries, cacheBytes: machine.entries * 56_000, plaintextEntries: machine.entries, encryptedEntries: 0 });
    const row = { id, tokenHash: createHash("sha256").update(token).digest("hex"), hostname, username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64", lastSeenAt: new Date(), latestReportId: report.id, latestReportDigest: machine.digest };
    rows.push(row);
  }
  for (let start = 0; start < rows.length; start += 500) await db.machine.createMany({ data: rows.slice(start, start + 500) });
  await insertReports(db, reports);
  return machines;
}

function reportOf(machine: SimulatedMachine) {
  return agentReport({ id: randomUUID(), hostname: machine.hostname, plaintext: machine.entries, encrypted: 0, cacheBytes: machine.entries * 56_000, goVersions: ["go1.22.2"] });
}

function reportBody(machine: SimulatedMachine): string {
  machine.entries += 1;
  return JSON.stringify(reportOf(machine));
}

interface Answer {
  status: number;
  body: string;
}

function post(agent: http.Agent, url: URL, procedure: string, token: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, method: "POST", path: `/api/trpc/${procedure}`, headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "content-length": Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function digestOf(answer: Answer): string {
  const parsed: unknown = JSON.parse(answer.body);
  const digest = typeof parsed === "object" && parsed !== null && "result" in parsed ? JSON.stringify(parsed.result).match(/"digest":"([0-9a-f]{64})"/)?.[1] : undefined;
  if (answer.status !== 200 || !digest) throw new Error(`a full report failed: ${answer.status} ${answer.body.slice(0, 300)}`);
  return digest;
}

/** Runs `work` on `concurrency` loops until `until` (performance.now()); the latencies of each kind. */
async function load(concurrency: number, until: number, work: () => Promise<string>): Promise<Map<string, number[]>> {
  const latencies = new Map<string, number[]>();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const kind = await work();
        const list = latencies.get(kind) ?? [];
        list.push(performance.now() - started);
        latencies.set(kind, list);
      }
    }),
  );
  return latencies;
}

/**
 * CPU seconds a process has used so far (Linux /proc; null elsewhere): on a machine other work
 * shares, the server's CPU time per request says what a request costs when throughput cannot.
 */
function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime, the 14th and 15th fields, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Bytes a table takes with its indexes: SQLite pages (dbstat), PostgreSQL files (with TOAST). */
async function tableBytes(db: Db, table: "Report" | "Machine"): Promise<number> {
  if (providerOf(db) === "sqlite") {
    await db.$queryRaw`PRAGMA wal_checkpoint(TRUNCATE)`;
    const [row] = await db.$queryRaw<{ bytes: bigint | number | null }[]>`SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = ${table})`;
    return Number(row?.bytes ?? 0);
  }
  const [row] = await db.$queryRaw<{ bytes: bigint | number }[]>`SELECT pg_total_relation_size(quote_ident(${table})) AS bytes`;
  return Number(row?.bytes ?? 0);
}

async function runOne(provider: Provider, options: Options): Promise<void> {
  const database = await benchDatabase(provider);
  if (!database) return;
  cleanups.push(database.drop);
  const { db } = database;
  console.log(`\n${provider}: seeding ${options.machines} machines with a report each`);
  const machines = await seedMachines(db, options.machines);
  const server = await startDashboardServer({
    databaseUrl: database.target.url,
    nodeArgs: options.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir] : [],
  });
  cleanups.push(server.stop);
  const url = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  cleanups.push(async () => agent.destroy());
  const pick = () => machines[Math.floor(Math.random() * machines.length)] ?? machines[0]!;

  const referenceRequest = async () => {
    await post(agent, url, "agent.noSuchProcedure", pick().token, "{}");
    return "ref";
  };

  // Mixed: heartbeats and full reports, 9:1.
  let asked = 0;
  let failures = 0;
  let sequence = 0;
  const mixedRequest = async () => {
    const machine = pick();
    if (sequence++ % 10 === 9) {
      try {
        machine.digest = digestOf(await post(agent, url, "agent.report", machine.token, reportBody(machine)));
      } catch {
        failures += 1;
      }
      return "report";
    }
    const answer = await post(agent, url, "agent.heartbeat", machine.token, JSON.stringify({ agentVersion: "0.1.0", reportDigest: machine.digest }));
    if (answer.status !== 200) failures += 1;
    else if (answer.body.includes('"sendFullReport":true')) asked += 1;
    return "heartbeat";
  };

  const warmupSeconds = Math.min(5, options.seconds);
  await load(options.concurrency, performance.now() + warmupSeconds * 500, referenceRequest);
  await load(options.concurrency, performance.now() + warmupSeconds * 500, mixedRequest);
  [asked, failures, sequence] = [0, 0, 0];

  // Reference: a trivial request through the same route, half before and half after the mixed phase.
  const referenceSeconds = Math.min(10, options.seconds);
  const serverCpuAtStart = cpuSecondsOf(server.pid);
  const referenceBefore = await load(options.concurrency, performance.now() + referenceSeconds * 500, referenceRequest);
  const serverCpuBeforeMixed = cpuSecondsOf(server.pid);

  const clientCpuBefore = process.cpuUsage();
  const mixedStarted = performance.now();
  const latencies = await load(options.concurrency, mixedStarted + options.seconds * 1000, mixedRequest);
  const mixedSeconds = (performance.now() - mixedStarted) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfterMixed = cpuSecondsOf(server.pid);
  const referenceAfter = await load(options.concurrency, performance.now() + referenceSeconds * 500, referenceRequest);
  const serverCpuAtEnd = cpuSecondsOf(server.pid);
  const reference = [...(referenceBefore.get("ref") ?? []), ...(referenceAfter.get("ref") ?? [])];

  // Storage, through the queries the dashboard runs (recordReport, recordHeartbeat), on this
  // database: 2,000 reports of 200 machines, then 20,000 heartbeats.
  const sample = machines.slice(0, 200);
  const reportBytesBefore = await tableBytes(db, "Report");
  for (let round = 0; round < 10; round++) {
    for (const machine of sample) {
      machine.entries += 1;
      const report = reportOf(machine);
      machine.digest = (await recordReport(db, machine.id, report, { health: "healthy", rules: [] })).digest;
    }
  }
  const storedReports = sample.length * 10;
  const bytesPerReport = ((await tableBytes(db, "Report")) - reportBytesBefore) / storedReports;
  const rowsBeforeBeats = await db.report.count();
  const machineBytesBefore = await tableBytes(db, "Machine");
  const beats = 20_000;
  for (let beat = 0; beat < beats; beat++) {
    const machine = sample[beat % sample.length] ?? sample[0]!;
    await recordHeartbeat(db, machine.id, machine.digest);
  }
  const rowsFromBeats = (await db.report.count()) - rowsBeforeBeats;
  const machineGrowth = (await tableBytes(db, "Machine")) - machineBytesBefore;

  // Retention: a busy day of 1,000 machines' history, 40 days old, thinned to one a day each.
  const dayStart = new Date(Math.floor((Date.now() - 40 * 86_400_000) / 86_400_000) * 86_400_000);
  const oldRows: ReportSeed[] = [];
  const perMachine = Math.round(busyReportsPerDay);
  for (const machine of machines.slice(0, 1000)) {
    for (let index = 0; index < perMachine; index++) {
      oldRows.push({ id: randomUUID(), machineId: machine.id, takenAt: new Date(dayStart.getTime() + index * 5 * 60_000), receivedAt: new Date(), payload: "{}", cacheEntries: index, cacheBytes: index, plaintextEntries: index, encryptedEntries: 0 });
    }
  }
  await insertReports(db, oldRows);
  const retentionStarted = performance.now();
  let thinned = 0;
  for (let run = await enforceRetention(db, new Date()); ; run = await enforceRetention(db, new Date())) {
    thinned += run.thinned;
    if (run.done) break;
  }
  const thinnedPerSecond = thinned / ((performance.now() - retentionStarted) / 1000);
  const fleetReportsPerDay = options.machines * busyReportsPerDay;

  const all = [...latencies.values()].flat();
  const total = all.length;
  const rate = total / mixedSeconds;
  const at = nearestRank(all);
  const kinds = (kind: string) => nearestRank(latencies.get(kind) ?? []);
  const ref = nearestRank(reference);
  const referenceRate = reference.length / referenceSeconds;
  const clientMicrosPerRequest = (clientCpu.user + clientCpu.system) / total;
  // Heartbeats add no row; they rewrite the machine's row in place (PostgreSQL's old row versions
  // are reclaimed by autovacuum), so a machine-day is its reports.
  const idleKb = (idleReportsPerDay * bytesPerReport) / 1024;
  const busyKb = (busyReportsPerDay * bytesPerReport) / 1024;

  console.log(`mixed (${mixedSeconds.toFixed(1)} s, ${options.concurrency} in flight, ${options.machines} machines):`);
  console.log(`  all         ${rate.toFixed(0)} req/s   p50 ${ms(at(0.5))} ms   p99 ${ms(at(0.99))} ms   (${total} requests, ${failures} failed)`);
  console.log(`  heartbeat   p50 ${ms(kinds("heartbeat")(0.5))} ms   p99 ${ms(kinds("heartbeat")(0.99))} ms   (${latencies.get("heartbeat")?.length ?? 0}; ${asked} answered "send a full report")`);
  console.log(`  report      p50 ${ms(kinds("report")(0.5))} ms   p99 ${ms(kinds("report")(0.99))} ms   (${latencies.get("report")?.length ?? 0})`);
  console.log(`  (ref)       ${referenceRate.toFixed(0)} req/s   p50 ${ms(ref(0.5))} ms   p99 ${ms(ref(0.99))} ms   (unknown procedure; mixed/ref rate ${(rate / referenceRate).toFixed(2)})`);
  if (serverCpuAtStart !== null && serverCpuBeforeMixed !== null && serverCpuAfterMixed !== null && serverCpuAtEnd !== null) {
    const mixedMicros = ((serverCpuAfterMixed - serverCpuBeforeMixed) * 1e6) / total;
    const referenceMicros = ((serverCpuBeforeMixed - serverCpuAtStart + serverCpuAtEnd - serverCpuAfterMixed) * 1e6) / reference.length;
    console.log(`  (server CPU per request: mixed ${mixedMicros.toFixed(0)} µs, ref ${referenceMicros.toFixed(0)} µs, ×${(mixedMicros / referenceMicros).toFixed(2)}; read on a shared machine, where throughput depends on the neighbours)`);
  }
  console.log(`  (load generator: ${clientMicrosPerRequest.toFixed(0)} µs of its own CPU per request, ${((clientMicrosPerRequest * rate) / 1e4).toFixed(0)} % of one core)`);
  console.log(`storage:`);
  console.log(`  per stored report    ${(bytesPerReport / 1024).toFixed(2)} KB with its index entries   (${storedReports} stored through recordReport)`);
  console.log(`  heartbeats           ${rowsFromBeats} rows added by ${beats}; the machine table grew ${(machineGrowth / 1024).toFixed(0)} KB${provider === "postgresql" ? " (old row versions, reclaimed by autovacuum)" : ""}`);
  console.log(`  idle machine-day     ${idleKb.toFixed(1)} KB   (${idleReportsPerDay} reports, 1,440 heartbeats; target ≤ 10)`);
  console.log(`  busy machine-day     ${busyKb.toFixed(1)} KB   (${busyReportsPerDay.toFixed(0)} reports, 1,440 heartbeats; target ≤ 200)`);
  console.log(`retention:`);
  console.log(`  thinned ${thinned} reports at ${thinnedPerSecond.toFixed(0)}/s; a busy ${options.machines}-machine fleet stores ${fleetReportsPerDay.toFixed(0)} a day: ${(fleetReportsPerDay / thinnedPerSecond).toFixed(0)} s of thinning per day`);
  const within = rate >= 1000 && at(0.99) < 100 && idleKb <= 10 && busyKb <= 200;
  console.log(`targets: ${within ? "within" : "OUTSIDE"}`);
  console.log(`ingest ${rate.toFixed(0)} req/s p99 ${ms(at(0.99))} ms, ${idleKb.toFixed(1)} KB per idle machine-day (${provider})`);
}

const options = readOptions();
runBench(options.providers, (provider) => runOne(provider, options));
