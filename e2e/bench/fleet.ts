// The fleet page bench (issue 5 §3): seeds 10,000 machines with a history of reports each into a
// fresh database, runs ONE real dashboard process (`next start`) on it, signs in, and measures
// the fleet page's server answer over HTTP as the browser asks for it:
//   (a) the default first page (sorted by hostname): GET /api/trpc/fleet.list
//   (b) a sorted, filtered and searched page: the same procedure with a harder input
//   (c) the server-rendered page HTML: GET /?… with the same view in its URL
//   (ref) a trivial request through the same route and session check (an unknown procedure)
// Requests go round-robin, one at a time, so the same background load falls on each.
//
//   pnpm bench:fleet [--machines 10000] [--reports 20] [--database sqlite|postgresql|both] [--repetitions 200]
//
// The last line per database reads `fleet page <p95 of (a)> ms (<machines> machines, <database>)`.
// Needs the workspace built (`pnpm build`): it runs apps/dashboard's `next start`.
import { parseArgs } from "node:util";
import { bootstrapIfEmpty, createAuth } from "@cachefleet/api";
import { insertMachines, insertReports, listFleetPage, type Db, type ReportSeed } from "@cachefleet/db";
import { simulatedReport, type AgentReport, type CacheVerdict } from "../support/simulated-macs.js";
import { signInCookie, startDashboardServer } from "../support/stack.js";
import { benchDatabase, cleanUp, cleanups, ms, nearestRank, runBench, type Provider } from "./stats.js";

type FleetQuery = Parameters<typeof listFleetPage>[1];

interface Options {
  machines: number;
  reports: number;
  providers: Provider[];
  repetitions: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    // `pnpm bench:fleet -- --machines 100` passes the "--" through.
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === "--")),
    options: {
      machines: { type: "string", default: "10000" },
      reports: { type: "string", default: "20" },
      database: { type: "string", default: "both" },
      repetitions: { type: "string", default: "200" },
    },
  });
  const whole = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, got "${text}"`);
    return value;
  };
  const database = values.database;
  if (database !== "sqlite" && database !== "postgresql" && database !== "both") {
    throw new Error(`--database must be sqlite, postgresql or both, got "${database}"`);
  }
  return {
    machines: whole("machines", values.machines, 1),
    reports: whole("reports", values.reports, 1),
    providers: database === "both" ? ["sqlite", "postgresql"] : [database],
    repetitions: whole("repetitions", values.repetitions, 1),
  };
}

const admin = { email: "bench-admin@example.com", password: "bench-admin-password" };

/** The views measured; (b) is one an admin would share: online, plaintext, a name, biggest first. */
const defaultView: FleetQuery = { page: 1, pageSize: 50, sort: "hostname", direction: "asc" };
const harderView: FleetQuery = { sort: "cacheBytes", direction: "desc", verdict: "plaintext", presence: "online", search: "mbp", page: 2, pageSize: 50 };
const harderViewUrl = "/?sort=cacheBytes&dir=desc&verdict=plaintext&presence=online&q=mbp&page=2";

// Seeding -----------------------------------------------------------------------------------

/** A small deterministic generator, so every run (and both databases) gets the same fleet. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const people = ["ana", "ben", "cara", "dan", "eli", "fay", "gus", "hana", "ivan", "jo", "kim", "lea", "max", "nora", "omar", "pia", "quin", "rosa", "sam", "tara", "uma", "vic", "wes", "xena", "yan", "zoe"];
const models = ["mbp", "MacBook-Pro", "mini", "studio", "air", "iMac"];
const macosVersions = ["13.6.7", "14.5", "14.6.1", "15.0", "15.1", "15.2"];
const goReleases = ["go1.21.9", "go1.21.13", "go1.22.2", "go1.22.8", "go1.23.3", "go1.23.4"];

interface SeedMachine {
  id: string;
  hostname: string;
  username: string;
  arch: string;
  rosetta: boolean;
  macosVersion: string;
  goVersion: string;
  goVersions: string[];
  entries: number;
  bytes: number;
  verdict: CacheVerdict | null;
  keychain: boolean;
  findings: string[];
  lastSeenAt: Date;
}

function pick<T>(next: () => number, items: readonly T[]): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error("nothing to pick from");
  return item;
}

function seedMachine(index: number, next: () => number, now: number): SeedMachine {
  const person = pick(next, people);
  const model = pick(next, models);
  const arch = next() < 0.8 ? "arm64" : "x64";
  const goVersion = pick(next, goReleases);
  const goVersions = [goVersion, ...goReleases.filter((release) => release !== goVersion && next() < 0.15)];
  const roll = next();
  const verdict: CacheVerdict | null = roll < 0.45 ? "plaintext" : roll < 0.8 ? "encrypted" : roll < 0.9 ? "mixed" : roll < 0.95 ? "empty" : null;
  const entries = verdict === "empty" ? 0 : Math.floor(500 + next() * 60_000);
  const keychain = next() < 0.7;
  const rosetta = arch === "x64" ? next() < 0.4 : next() < 0.03;
  const findings = [
    ...(verdict === "mixed" ? ["mixed-cache"] : verdict === "plaintext" ? ["plaintext-cache"] : []),
    ...(keychain ? [] : ["keychain-missing"]),
    ...(rosetta ? ["rosetta-toolchain"] : []),
  ];
  const offline = next() < 0.15;
  return {
    id: `bench${String(index).padStart(8, "0")}`,
    hostname: `${next() < 0.3 ? person[0]?.toUpperCase() + person.slice(1) : person}-${model}-${String(index).padStart(5, "0")}`,
    username: person,
    arch,
    rosetta,
    macosVersion: pick(next, macosVersions),
    goVersion,
    goVersions,
    entries,
    bytes: entries * Math.floor(20_000 + next() * 80_000),
    verdict,
    keychain,
    findings,
    lastSeenAt: new Date(now - (offline ? 2 * 3600_000 + next() * 30 * 86_400_000 : next() * 300_000)),
  };
}

/** The report a machine sent at one point of its history: older ones saw a smaller cache. */
function reportOf(machine: SeedMachine, reportIndex: number, reports: number, takenAt: Date): AgentReport {
  const share = 0.5 + (0.5 * (reportIndex + 1)) / reports;
  const report = simulatedReport(
    { ...machine, verdict: machine.verdict ?? "empty", entries: Math.floor(machine.entries * share), bytes: Math.floor(machine.bytes * share) },
    takenAt,
  );
  return machine.verdict === null ? { ...report, scan: { status: "error", message: "GOCACHE could not be read: EACCES" } } : report;
}

/** Inserts the fleet in multi-row statements: seconds, not the minutes one report at a time takes. */
async function seedFleet(db: Db, options: Options): Promise<{ reportBytes: number }> {
  const now = Date.now();
  const next = random(20261124);
  const machines = Array.from({ length: options.machines }, (_, index) => seedMachine(index, next, now));
  const reportId = (machine: SeedMachine, reportIndex: number) => `${machine.id}-r${String(reportIndex).padStart(3, "0")}`;
  await insertMachines(
    db,
    machines.map((machine) => {
      const failsCache = machine.findings.includes("mixed-cache") || machine.findings.includes("plaintext-cache");
      return {
        id: machine.id,
        tokenHash: `hash-${machine.id}`,
        enrolledAt: new Date(now - 90 * 86_400_000),
        hostname: machine.hostname,
        username: machine.username,
        platform: "darwin",
        osRelease: "24.1.0",
        arch: machine.arch,
        lastSeenAt: machine.lastSeenAt,
        macosVersion: machine.macosVersion,
        rosetta: machine.rosetta,
        keychainKey: machine.keychain ? "present" : "missing",
        goVersion: machine.goVersion,
        goVersions: `,${machine.goVersions.join(",")},`,
        gocache: `/Users/${machine.username}/Library/Caches/go-build`,
        cacheEntries: machine.verdict === null ? null : machine.entries,
        cacheBytes: machine.verdict === null ? null : machine.bytes,
        cacheVerdict: machine.verdict,
        health: failsCache ? "critical" : machine.findings.length > 0 ? "warning" : "healthy",
        findingsCount: machine.findings.length,
        findingRules: machine.findings.length > 0 ? `,${machine.findings.join(",")},` : "",
        latestReportId: reportId(machine, options.reports - 1),
      };
    }),
  );
  let reportBytes = 0;
  // A few hundred machines' history at a time keeps the payloads in memory small.
  for (let start = 0; start < machines.length; start += 250) {
    const reports: ReportSeed[] = machines.slice(start, start + 250).flatMap((machine) =>
      Array.from({ length: options.reports }, (_, reportIndex) => {
        const takenAt = new Date(machine.lastSeenAt.getTime() - (options.reports - 1 - reportIndex) * 3600_000);
        const report = { ...reportOf(machine, reportIndex, options.reports, takenAt), id: reportId(machine, reportIndex) };
        const payload = JSON.stringify(report);
        reportBytes += payload.length;
        const summary = report.scan.status === "ok" ? report.scan.summary : null;
        return {
          id: report.id,
          machineId: machine.id,
          takenAt,
          receivedAt: takenAt,
          payload,
          cacheEntries: summary?.entries.count ?? null,
          cacheBytes: summary?.entries.bytes ?? null,
          plaintextEntries: summary?.classes.plaintext.count ?? null,
          encryptedEntries: summary?.classes.encrypted.count ?? null,
        };
      }),
    );
    await insertReports(db, reports);
  }
  return { reportBytes };
}

// Measuring ---------------------------------------------------------------------------------

interface Figures {
  p50: number;
  p95: number;
  max: number;
}

function figures(samples: readonly number[]): Figures {
  const at = nearestRank(samples);
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

interface Probe {
  label: string;
  path: string;
  /** Throws when the answer is not the page it should be, so a fast error is never a figure. */
  check(status: number, body: string): void;
}

function trpcPath(procedure: string, input: unknown): string {
  return `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;
}

function expectRows(expected: number) {
  return (status: number, body: string) => {
    if (status !== 200) throw new Error(`answered ${status}: ${body.slice(0, 300)}`);
    const rows = (JSON.parse(body) as { result?: { data?: { rows?: unknown[] } } }).result?.data?.rows?.length;
    if (rows !== expected) throw new Error(`answered ${rows} rows, expected ${expected}`);
  };
}

async function timed(url: string, cookie: string, probe: Probe): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  const body = await response.text();
  const elapsed = performance.now() - started;
  probe.check(response.status, body);
  return elapsed;
}

async function runOne(provider: Provider, options: Options): Promise<void> {
  const database = await benchDatabase(provider);
  if (!database) return;
  cleanups.push(() => database.drop());
  const seeded = await bootstrapIfEmpty(database.db, { adminEmail: admin.email, adminPassword: admin.password }, createAuth(database.db, { provider }));
  if (!seeded) throw new Error("could not seed the fresh database");

  let started = performance.now();
  const { reportBytes } = await seedFleet(database.db, options);
  console.log(
    `${provider}: seeded ${options.machines} machines and ${options.machines * options.reports} reports (${(reportBytes / 1024 ** 2).toFixed(0)} MiB of payloads) in ${ms((performance.now() - started) / 1000)} s`,
  );

  // The query alone, in this process, for comparison with the answer over HTTP.
  const inProcess: number[] = [];
  for (let round = 0; round < 30; round++) {
    const t0 = performance.now();
    await listFleetPage(database.db, defaultView);
    inProcess.push(performance.now() - t0);
  }
  const direct = figures(inProcess.slice(5));
  console.log(`${provider}: listFleetPage in this process (default page): p50 ${ms(direct.p50)} ms  p95 ${ms(direct.p95)} ms`);

  const dashboard = await startDashboardServer({ databaseUrl: database.target.url });
  cleanups.push(() => dashboard.stop());
  const cookie = await signInCookie(dashboard.url, admin.email, admin.password);
  const pageSize = defaultView.pageSize;
  const harder = await listFleetPage(database.db, harderView);
  const probes: Probe[] = [
    { label: "(a) default page, by hostname", path: trpcPath("fleet.list", defaultView), check: expectRows(Math.min(pageSize, options.machines)) },
    { label: "(b) sorted, filtered, searched", path: trpcPath("fleet.list", harderView), check: expectRows(harder.rows.length) },
    {
      label: "(c) page HTML, server-rendered",
      path: harderViewUrl,
      check: (status, body) => {
        if (status !== 200 || !body.includes("Fleet") || !body.includes("machine-row")) throw new Error(`the page answered ${status} without the fleet table`);
      },
    },
    {
      label: "(ref) trivial request, same route and session",
      path: trpcPath("fleet.noSuchProcedure", {}),
      check: (status) => {
        if (status !== 404) throw new Error(`the trivial request answered ${status}, expected 404`);
      },
    },
  ];
  // Warm-up, not measured: the first requests load each route's code in the server.
  for (let round = 0; round < 10; round++) for (const probe of probes) await timed(`${dashboard.url}${probe.path}`, cookie, probe);

  started = performance.now();
  const samples = probes.map(() => [] as number[]);
  for (let round = 0; round < options.repetitions; round++) {
    for (const [index, probe] of probes.entries()) samples[index]?.push(await timed(`${dashboard.url}${probe.path}`, cookie, probe));
  }
  console.log(`${provider}: ${options.repetitions} rounds of ${probes.length} requests in ${ms((performance.now() - started) / 1000)} s (${harder.total} machines match (b))`);
  const reference = figures(samples[probes.length - 1] ?? []);
  for (const [index, probe] of probes.entries()) {
    const f = figures(samples[index] ?? []);
    const ratio = index === probes.length - 1 ? "" : `  = ${(f.p95 / reference.p95).toFixed(1)}× the reference p95`;
    console.log(`  ${probe.label.padEnd(48)} p50 ${ms(f.p50).padStart(6)} ms  p95 ${ms(f.p95).padStart(6)} ms  max ${ms(f.max).padStart(6)} ms${ratio}`);
  }
  const defaultPage = figures(samples[0] ?? []);
  await cleanUp();
  console.log(`fleet page ${ms(defaultPage.p95)} ms (${options.machines} machines, ${provider})`);
}

const options = readOptions();
runBench(options.providers, (provider) => runOne(provider, options));
