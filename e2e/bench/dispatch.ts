// The command dispatch bench (issue 4 §6): N simulated agents hold their command streams (tRPC
// subscriptions over SSE) open to ONE real dashboard process (`next start`); the bench pushes
// commands through the admin API over HTTP and measures each command from the push request to
// its arrival at the agent, which claims it as a real agent would so the queue drains.
//
//   pnpm bench:dispatch [--agents 1000] [--database sqlite|postgresql|both] [--pushes 500] [--gap-ms 20] [--poll-ms N] [--probes 5]
//
// The reference, measured in the same run through the same streams: (r) a no-op probe the
// dashboard fans out to every stream exactly as it fans out a push, but with no database work
// (commands.probeStreams), from the probe request to its arrival at each agent. The bulk push's
// p99 is printed as a ratio to the probe's p99, with the push request's own time.
//
// t0 is performance.now() just before the push request is sent, t1 is performance.now() first
// thing in the agent's onData; both in this process, so one monotonic clock. The second-to-last
// line per database summarises every measured delivery: the singles (a) and the push to all
// agents (b); the last gives the bulk p99, its ratio to the reference, and the push request.
// Failures (not delivered within 180 s, refused pushes, claims still failing after the retries a
// real agent makes) are counted, not timed.
// Needs the workspace built (`pnpm build`): it runs apps/dashboard's `next start`.
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { bootstrapIfEmpty, createAuth } from "@cachefleet/api";
import type { Db } from "@cachefleet/db";
import { signInCookie, startDashboardServer } from "../support/stack.js";
import { benchDatabase, cleanUp, cleanups, ms, nearestRank, runBench, type Provider } from "./stats.js";
import type { AdminAnswer, AdminRequest } from "./admin-worker.js";
import type { ClaimAnswer, ClaimRequest } from "./claim-worker.js";
import {
  createAgentClient,
  enrollMachines,
  openCommandStream,
  seedEnrolledMachines,
  waitUntil,
  type CommandStream,
  type EnrolledMachine,
} from "../support/simulated-agent.js";


interface Options {
  agents: number;
  providers: Provider[];
  pushes: number;
  gapMs: number;
  queuePollMs: number | undefined;
  probes: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    // `pnpm bench:dispatch -- --agents 10` passes the "--" through.
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === "--")),
    options: {
      agents: { type: "string", default: "1000" },
      database: { type: "string", default: "both" },
      pushes: { type: "string", default: "500" },
      "gap-ms": { type: "string", default: "20" },
      "poll-ms": { type: "string" },
      probes: { type: "string", default: "5" },
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
    agents: whole("agents", values.agents, 1),
    providers: database === "both" ? ["sqlite", "postgresql"] : [database],
    pushes: whole("pushes", values.pushes, 1),
    gapMs: whole("gap-ms", values["gap-ms"], 0),
    queuePollMs: values["poll-ms"] === undefined ? undefined : whole("poll-ms", values["poll-ms"], 10),
    probes: whole("probes", values.probes, 1),
  };
}

const adminAccount = { email: "bench-admin@example.com", password: "bench-admin-password" };
/** Streams open at some tens a second on a busy machine: 10,000 need minutes. */
const connectTimeoutMs = (agents: number) => Math.max(120_000, agents * 40);
// Generous: a slow bulk push is a figure worth seeing, not a failure to hide.
const deliveryTimeoutMs = 180_000;

/** When each command was pushed (t0) and first received (t1), and what went wrong on the way. */
class DeliveryLog {
  /** Probe id → when it was sent, and each agent's arrival time. */
  readonly probes = new Map<string, { arrivals: number[] }>();
  readonly pushedAt = new Map<string, number>();
  readonly receivedAt = new Map<string, number>();
  duplicates = 0;
  streamErrors = 0;
  claimsInFlight = 0;
  /** Claims sent again after a network failure or a 5xx, and why (each reason once). */
  claimRetries = 0;
  readonly claimRetryReasons = new Set<string>();
  readonly claimFailures = new Set<string>();
  /** Why claims failed (a refusal, or the request's error), each reason once. */
  readonly claimFailureReasons = new Set<string>();
  /** The phase the bench is in, and how many streams reconnected in each, for what reason. */
  phase = "connecting and warm-up";
  readonly reconnectsByPhase = new Map<string, Map<string, number>>();

  reconnected(reason: string): void {
    const reasons = this.reconnectsByPhase.get(this.phase) ?? new Map<string, number>();
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    this.reconnectsByPhase.set(this.phase, reasons);
  }

  /** E.g. "bulk: 12 (timed out: 10, fetch failed: 2)"; empty when no stream reconnected. */
  describeReconnects(): string {
    return [...this.reconnectsByPhase]
      .map(([phase, reasons]) => {
        const total = [...reasons.values()].reduce((sum, count) => sum + count, 0);
        return `${phase}: ${total} (${[...reasons].slice(0, 3).map(([reason, count]) => `${reason}: ${count}`).join(", ")})`;
      })
      .join("; ");
  }

  claimFailed(commandId: string, reason: string): void {
    this.claimFailures.add(commandId);
    this.claimFailureReasons.add(reason);
  }

  received(commandId: string, at: number): boolean {
    if (this.receivedAt.has(commandId)) {
      this.duplicates += 1;
      return false;
    }
    this.receivedAt.set(commandId, at);
    return true;
  }

  pushed(commandIds: readonly string[], at: number): void {
    for (const id of commandIds) this.pushedAt.set(id, at);
  }

  allDelivered(commandIds: readonly string[]): boolean {
    return commandIds.every((id) => this.receivedAt.has(id));
  }

  latencies(commandIds: readonly string[]): number[] {
    const latencies: number[] = [];
    for (const id of commandIds) {
      const t0 = this.pushedAt.get(id);
      const t1 = this.receivedAt.get(id);
      if (t0 !== undefined && t1 !== undefined) latencies.push(t1 - t0);
    }
    return latencies;
  }

  /** Undelivered commands and failed claims among these. */
  failures(commandIds: readonly string[]): number {
    return commandIds.filter((id) => !this.receivedAt.has(id) || this.claimFailures.has(id)).length;
  }
}

interface Figures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

function figures(latencies: readonly number[]): Figures | null {
  if (latencies.length === 0) return null;
  const at = nearestRank(latencies);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), count: latencies.length };
}

function describe(label: string, latencies: readonly number[], failures: number): string {
  const f = figures(latencies);
  if (!f) return `  ${label}: count 0  failures ${failures}`;
  return `  ${label}: p50 ${ms(f.p50)} ms  p90 ${ms(f.p90)} ms  p99 ${ms(f.p99)} ms  max ${ms(f.max)} ms  count ${f.count}  failures ${failures}`;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

type Pushed = { ok: true; commandIds: string[]; requestMs: number } | { ok: false; error: string };

/**
 * The admin's pushes and probes, sent from a worker thread (admin-worker.ts) as from a browser:
 * their request times are not held up by the simulated agents' work on this thread.
 */
class Admin {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, (answer: AdminAnswer) => void>();
  #nextId = 0;

  constructor(url: string, cookie: string) {
    this.#worker = new Worker(new URL("./admin-worker.js", import.meta.url), { workerData: { url, cookie } });
    this.#worker.on("message", (answer: AdminAnswer) => {
      this.#waiting.get(answer.id)?.(answer);
      this.#waiting.delete(answer.id);
    });
    this.#worker.unref();
  }

  /** The answer, with `sentAt` on this thread's performance.now() timeline. */
  async send(request: DistributiveOmit<AdminRequest, "id">): Promise<AdminAnswer> {
    const id = this.#nextId++;
    const answer = await new Promise<AdminAnswer>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.postMessage({ ...request, id });
    });
    return { ...answer, sentAt: answer.sentAt - performance.timeOrigin };
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A refused or failed push is a result, not an exception: the bench counts it and goes on. */
async function push(admin: Admin, log: DeliveryLog, machineIds: string[]): Promise<Pushed> {
  const answer = await admin.send({ type: "push", machineIds });
  if (!answer.ok) return { ok: false, error: answer.error };
  log.pushed(answer.commandIds, answer.sentAt);
  return { ok: true, commandIds: answer.commandIds, requestMs: answer.requestMs };
}

async function countByStatus(db: Db, commandIds: readonly string[]): Promise<string> {
  const counts = new Map<string, number>();
  // Chunked: SQLite caps the number of bound parameters in one statement.
  for (let start = 0; start < commandIds.length; start += 500) {
    const rows = await db.command.findMany({ where: { id: { in: commandIds.slice(start, start + 500) } }, select: { status: true } });
    for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  }
  return [...counts].map(([status, count]) => `${count} ${status}`).join(", ") || "none";
}

async function connectAgents(url: string, machines: readonly EnrolledMachine[], log: DeliveryLog): Promise<CommandStream[]> {
  const streams: CommandStream[] = [];
  // Claims go out from their own thread (claim-worker.ts), as each real agent claims from its own Mac.
  const claimer = new Worker(new URL("./claim-worker.js", import.meta.url), { workerData: { url } });
  claimer.on("message", (answer: ClaimAnswer) => {
    log.claimsInFlight -= 1;
    log.claimRetries += answer.retries;
    for (const reason of answer.retryReasons) log.claimRetryReasons.add(reason);
    if (!answer.ok) log.claimFailed(answer.commandId, answer.reason);
  });
  cleanups.push(async () => {
    for (const stream of streams) stream.close();
    await claimer.terminate();
  });
  for (const machine of machines) {
    const client = createAgentClient(url, machine.token);
    streams.push(
      openCommandStream(client, {
        onCommand: (commandId, receivedAt) => {
          if (!log.received(commandId, receivedAt)) return;
          // A real agent claims before it runs anything; claiming is what drains the queue.
          log.claimsInFlight += 1;
          claimer.postMessage({ commandId, token: machine.token } satisfies ClaimRequest);
        },
        onProbe: (probeId, receivedAt) => void log.probes.get(probeId)?.arrivals.push(receivedAt),
        onError: () => (log.streamErrors += 1),
        onReconnect: (reason) => log.reconnected(reason),
      }),
    );
  }
  let startedCount = 0;
  let startFailure: unknown = null;
  for (const stream of streams) stream.started.then(() => (startedCount += 1), (error: unknown) => (startFailure ??= error));
  await waitUntil(() => startedCount === streams.length || startFailure !== null, connectTimeoutMs(streams.length));
  if (startFailure !== null) throw new Error("an agent's command stream failed to start", { cause: startFailure });
  if (startedCount < streams.length) throw new Error(`only ${startedCount} of ${streams.length} command streams started within ${connectTimeoutMs(streams.length) / 1000} s`);
  return streams;
}

/**
 * (r) The reference: `rounds` no-op probes, one after the other, each through every stream; each
 * arrival counts from the moment its probe request was sent. Returns every round trip.
 */
async function measureReference(admin: Admin, log: DeliveryLog, agents: number, rounds: number, provider: Provider): Promise<number[]> {
  const roundTrips: number[] = [];
  // Round -1 is not measured: like the warm-up push, it runs the fan-out's code once through every stream first.
  for (let round = -1; round < rounds; round++) {
    const probeId = `probe-${round}-${Date.now()}`;
    const arrivals: number[] = [];
    log.probes.set(probeId, { arrivals });
    const answer = await admin.send({ type: "probe", probeId });
    if (!answer.ok) throw new Error(`probe ${round} failed: ${answer.error}`);
    if (answer.streams !== agents) throw new Error(`the probe went to ${answer.streams} streams, not ${agents}`);
    const sentAt = answer.sentAt;
    if (!(await waitUntil(() => arrivals.length >= agents, deliveryTimeoutMs))) throw new Error(`probe ${round} reached ${arrivals.length} of ${agents} agents`);
    if (round >= 0) roundTrips.push(...arrivals.map((at) => at - sentAt));
    await sleep(200);
  }
  const f = figures(roundTrips);
  console.log(`${provider}: (r) reference: ${rounds} no-op probes through all ${agents} streams; round trip p50 ${ms(f?.p50 ?? 0)} ms, p99 ${ms(f?.p99 ?? 0)} ms, max ${ms(f?.max ?? 0)} ms`);
  return roundTrips;
}

interface Phase {
  label: string;
  commandIds: string[];
  /** Agents whose command was never created because its push failed. */
  refused: number;
}

/** (a) One command at a time to a random agent, not waiting for its delivery before the next. */
async function pushSingles(admin: Admin, log: DeliveryLog, machines: readonly EnrolledMachine[], options: Options, provider: Provider): Promise<Phase> {
  const phase: Phase = { label: "(a) singles", commandIds: [], refused: 0 };
  const requestMs: number[] = [];
  for (let index = 0; index < options.pushes; index++) {
    const machine = machines[Math.floor(Math.random() * machines.length)];
    if (!machine) continue;
    const pushed = await push(admin, log, [machine.machineId]);
    if (pushed.ok) {
      phase.commandIds.push(...pushed.commandIds);
      requestMs.push(pushed.requestMs);
    } else {
      if (phase.refused === 0) console.log(`${provider}: (a) a push failed: ${pushed.error}`);
      phase.refused += 1;
    }
    if (options.gapMs > 0) await sleep(options.gapMs);
  }
  const requests = figures(requestMs);
  console.log(
    `${provider}: (a) ${options.pushes} single pushes to random agents, ${options.gapMs} ms apart; push requests took p50 ${ms(requests?.p50 ?? 0)} ms, p99 ${ms(requests?.p99 ?? 0)} ms`,
  );
  await waitUntil(() => log.allDelivered(phase.commandIds) && log.claimsInFlight === 0, deliveryTimeoutMs);
  return phase;
}

/**
 * (b) One push to every agent. When it fails, its agents count as failures and, so that the
 * fan-out is still measured, (b') pushes the same agents in slices of 500 sent together.
 */
async function pushToAll(admin: Admin, log: DeliveryLog, machines: readonly EnrolledMachine[], provider: Provider): Promise<{ phases: Phase[]; requestMs: number | null }> {
  const everyone = machines.map((machine) => machine.machineId);
  const bulk = await push(admin, log, everyone);
  const phases: Phase[] = [];
  if (bulk.ok) {
    console.log(`${provider}: (b) one push to all ${everyone.length} agents; the push request took ${ms(bulk.requestMs)} ms`);
    phases.push({ label: "(b) bulk   ", commandIds: bulk.commandIds, refused: 0 });
  } else {
    console.log(`${provider}: (b) the push to all ${everyone.length} agents failed: ${bulk.error}`);
    phases.push({ label: "(b) bulk   ", commandIds: [], refused: everyone.length });
    const slices: string[][] = [];
    for (let start = 0; start < everyone.length; start += 500) slices.push(everyone.slice(start, start + 500));
    const pushed = await Promise.all(slices.map((slice) => push(admin, log, slice)));
    const slicesPhase: Phase = { label: "(b') slices", commandIds: [], refused: 0 };
    for (const [index, one] of pushed.entries()) {
      if (one.ok) slicesPhase.commandIds.push(...one.commandIds);
      else slicesPhase.refused += slices[index]?.length ?? 0;
    }
    const took = pushed.map((one) => (one.ok ? `${ms(one.requestMs)} ms` : `failed (${one.error})`)).join(", ");
    console.log(`${provider}: (b') ${slices.length} pushes of up to 500 agents sent together; the push requests took ${took}`);
    phases.push(slicesPhase);
  }
  const measured = phases.flatMap((phase) => phase.commandIds);
  await waitUntil(() => log.allDelivered(measured) && log.claimsInFlight === 0, deliveryTimeoutMs);
  return { phases, requestMs: bulk.ok ? bulk.requestMs : null };
}

async function runOne(provider: Provider, options: Options): Promise<void> {
  const database = await benchDatabase(provider);
  if (!database) return;
  cleanups.push(() => database.drop());
  const log = new DeliveryLog();

  const seeded = await bootstrapIfEmpty(database.db, { adminEmail: adminAccount.email, adminPassword: adminAccount.password }, createAuth(database.db, { provider }));
  if (!seeded) throw new Error("could not seed the fresh database");
  let started = performance.now();
  // Up to a thousand through the real enrollment; beyond, written in bulk (see seedEnrolledMachines).
  const machines =
    options.agents <= 1000 ? await enrollMachines(database.db, seeded.enrollmentSecret, options.agents) : await seedEnrolledMachines(database.db, options.agents);
  console.log(`${provider}: enrolled ${machines.length} machines in ${ms(performance.now() - started)} ms`);

  const dashboard = await startDashboardServer({ databaseUrl: database.target.url, queuePollMs: options.queuePollMs });
  cleanups.push(() => dashboard.stop());
  const admin = new Admin(dashboard.url, await signInCookie(dashboard.url, adminAccount.email, adminAccount.password));
  cleanups.push(async () => void (await admin.close()));

  started = performance.now();
  const streams = await connectAgents(dashboard.url, machines, log);
  console.log(`${provider}: ${streams.length} agents connected over SSE in ${ms(performance.now() - started)} ms (queue poll ${options.queuePollMs ?? "default"} ms)`);

  // Warm-up, not measured: the first push loads the mutation's code paths in the server.
  const warmUp = await push(admin, log, [machines[0]?.machineId ?? ""]);
  if (!warmUp.ok) throw new Error(`the warm-up push failed: ${warmUp.error}`);
  if (!(await waitUntil(() => log.allDelivered(warmUp.commandIds), deliveryTimeoutMs))) {
    const reconnects = streams.reduce((sum, stream) => sum + stream.reconnects(), 0);
    throw new Error(
      `the warm-up command never arrived (stream errors ${log.streamErrors}, reconnects ${reconnects}); the dashboard's last output:\n${dashboard.output().split("\n").slice(-15).join("\n")}`,
    );
  }

  log.phase = "reference";
  const reference = figures(await measureReference(admin, log, machines.length, options.probes, provider));
  log.phase = "singles";
  const singles = await pushSingles(admin, log, machines, options, provider);
  log.phase = "bulk";
  const bulk = await pushToAll(admin, log, machines, provider);
  log.phase = "after";
  const phases = [singles, ...bulk.phases];
  for (const phase of phases) console.log(describe(phase.label, log.latencies(phase.commandIds), phase.refused + log.failures(phase.commandIds)));
  const measured = phases.flatMap((phase) => phase.commandIds);
  const reconnects = streams.reduce((sum, stream) => sum + stream.reconnects(), 0);
  console.log(
    `${provider}: stream errors ${log.streamErrors}, reconnects ${reconnects}, duplicate deliveries ${log.duplicates}, failed claims ${log.claimFailures.size}; ` +
      // Claimed commands stay running until their 90 s lease lapses (simulated agents send no
      // progress), so a long run also shows some as interrupted.
      `in the database: ${await countByStatus(database.db, measured)}`,
  );
  if (reconnects > 0) console.log(`${provider}: streams reconnected, by phase and reason: ${log.describeReconnects()}`);
  if (log.claimFailureReasons.size > 0) console.log(`${provider}: claims failed with: ${[...log.claimFailureReasons].slice(0, 5).join(" | ")}`);
  if (log.claimRetries > 0) console.log(`${provider}: ${log.claimRetries} claim(s) sent again, as the agent does, after: ${[...log.claimRetryReasons].slice(0, 5).join(" | ")}`);
  const serverErrors = errorLines(dashboard.output());
  if (serverErrors.count > 0) {
    console.log(`${provider}: the dashboard logged ${serverErrors.count} error line(s), e.g.:\n${serverErrors.distinct.map((line) => `    ${line}`).join("\n")}`);
  }

  const all = figures(log.latencies(measured));
  const bulkFigures = figures(log.latencies(bulk.phases[0]?.commandIds ?? []));
  await cleanUp();
  const included = phases.filter((phase) => phase.commandIds.length > 0).map((phase) => phase.label.trim());
  console.log(`${provider}: summary over every delivery of ${included.join(" and ")}:`);
  console.log(`dispatch p50 ${ms(all?.p50 ?? Number.NaN)} ms p99 ${ms(all?.p99 ?? Number.NaN)} ms (${machines.length} agents, ${provider})`);
  const ratio = bulkFigures && reference ? (bulkFigures.p99 / reference.p99).toFixed(2) : "n/a";
  console.log(
    `bulk p99 ${ms(bulkFigures?.p99 ?? Number.NaN)} ms = ${ratio}x the no-op reference p99 ${ms(reference?.p99 ?? Number.NaN)} ms; ` +
      `push request ${bulk.requestMs === null ? "failed" : `${ms(bulk.requestMs)} ms`} (${machines.length} agents, ${provider})`,
  );
}

function errorLines(output: string): { count: number; distinct: string[] } {
  const lines = output.split("\n").filter((line) => /error/i.test(line));
  return { count: lines.length, distinct: [...new Set(lines.map((line) => line.trim()))].slice(0, 5) };
}

const options = readOptions();
runBench(options.providers, (provider) => runOne(provider, options));
