// `cachefleet-agent run`: report at once, then a heartbeat every interval and a full report only
// when something changed (reporter.ts), receive commands over SSE (with a poll as fallback while
// the stream is down), check each against the contract, run them one at a time, and report in full
// after each. Results, progress and reports go through the durable outbox (outbox.ts).
import path from "node:path";
import { z } from "zod";
import { CommandResult, maxLogChunk, type DeliveredCommand, type StepName, type StepStatus } from "@cachefleet/contract";
import { recordClean, updateState } from "./agent-state.js";
import type { AgentConfig } from "./config.js";
import { readGoEnv } from "./commands.js";
import { describeBuilds, goBuildsOf, linuxProcesses, parsePsOutput, type ProcessInfo } from "./go-builds.js";
import { clearJournal, interruptionMessage, readJournal, writeJournal } from "./journal.js";
import { runPlan, type StepSink } from "./plan-runner.js";
import type { ProbeContext } from "./probes/context.js";
import { errorMessage } from "./report.js";
import { Outbox, outboxPath } from "./outbox.js";
import { outboxChannel, Reporter } from "./reporter.js";
import { agentCalls, checkDeliveredCommand, createServerClient } from "./server.js";

export interface DaemonOptions {
  config: AgentConfig;
  probes: ProbeContext;
  /** Where the agent notes the command it is running (see journal.ts). */
  journalFile: string;
  /** The outbox file; default: outbox.json beside the journal. */
  outboxFile?: string;
  /** Between heartbeats (and checks for changes). */
  heartbeatIntervalMs: number;
  /** Quiet time after the last GOCACHE write before a rescan (reporter.ts). */
  settleMs?: number;
  pollFallbackMs?: number;
  log?: (message: string) => void;
  signal: AbortSignal;
}

function stamp(message: string): string {
  return `${new Date().toISOString()} ${message}`;
}

export async function runDaemon(options: DaemonOptions): Promise<void> {
  const log = options.log ?? ((message: string) => console.log(stamp(message)));
  const client = createServerClient(options.config.server, options.config.token);
  const outbox = new Outbox(options.outboxFile ?? outboxPath(path.dirname(options.journalFile)), agentCalls(client), { log });
  const queue: Queued[] = [];
  const seen = new Set<string>();
  let working = false;
  let streamOpen = false;
  const reporter = new Reporter({ probes: options.probes, channel: outboxChannel(outbox, client), heartbeatMs: options.heartbeatIntervalMs, settleMs: options.settleMs, log });

  /** Whatever the server sent: checked here, before the agent does anything with it. */
  function accept(sent: unknown): void {
    const check = checkDeliveredCommand(sent);
    const id = check.ok ? check.command.id : check.id;
    if (id === null) {
      log(`ignored a command without a usable id from the server: ${check.ok ? "" : check.reason}`);
      return;
    }
    if (seen.has(id)) return;
    seen.add(id);
    queue.push(check.ok ? { command: check.command } : { id, refusal: check.reason });
    void drain();
  }

  /** A command claimed before the agent stopped whose answer it never heard: claimed again first. */
  function resume(commandId: string): void {
    seen.add(commandId);
    queue.push({ resume: commandId });
  }

  async function drain(): Promise<void> {
    if (working) return;
    working = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (options.signal.aborted) return;
        try {
          const claimed = await outbox.claim(idOf(next), options.signal);
          if (claimed.claimed) {
            const work = "resume" in next ? resumed(next.resume, claimed.command) : next;
            if ("refusal" in work) await refuse(outbox, work.id, work.refusal, log);
            else await execute(outbox, work.command, options.probes, options.journalFile, options.signal, log);
          }
        } catch (error) {
          // Nothing a command does may stop the agent; the outbox already holds what it could say.
          log(`command ${idOf(next)} ended with an unexpected error: ${errorMessage(error)}`);
        }
        await reporter.fullReport("command");
      }
    } finally {
      working = false;
    }
  }

  async function poll(): Promise<void> {
    // The stream delivers every pending command when it (re)connects; polling is for while it is down.
    if (streamOpen) return;
    try {
      const sent = SentList.safeParse(await client.agent.pendingCommands.query());
      if (!sent.success) log("command poll answered something that is not a list; ignored");
      else for (const command of sent.data) accept(command);
    } catch (error) {
      log(`command poll failed: ${errorMessage(error)}`);
    }
  }

  reportInterrupted(outbox, options.journalFile, log);
  void outbox.flush();
  await reporter.start();
  for (const commandId of outbox.unsettledClaims) resume(commandId);
  void drain();
  let reconnects = 0;
  const subscribe = () =>
    client.agent.commands.subscribe(undefined, {
      // Probes go only to streams that ask for them (the dispatch bench's); this one does not.
      onData: (envelope: unknown) => accept(Envelope.safeParse(envelope).data?.data),
      onStarted: () => {
        streamOpen = true;
        log("listening for commands");
      },
      onError: (error) => log(`command stream error: ${error.message}`),
      onConnectionStateChange: (state) => {
        streamOpen = state.state === "pending";
        if (state.state !== "connecting") return;
        if (state.error) log(`command stream reconnecting: ${state.error.message}`);
        reconnects += 1;
        // Renewed after the current callback returns, not from inside the link's own call.
        if (reconnects >= reconnectsPerSubscription) setImmediate(renew);
      },
    });
  let subscription = subscribe();
  function renew(): void {
    if (reconnects < reconnectsPerSubscription || options.signal.aborted) return;
    reconnects = 0;
    subscription.unsubscribe();
    subscription = subscribe();
  }
  const pollTimer = setInterval(() => void poll(), options.pollFallbackMs ?? 30_000);

  // A stop asked for while the agent was still starting (its first collection takes seconds) has
  // already fired its abort event: waiting for another would keep the process up forever.
  if (!options.signal.aborted) await new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve(), { once: true }));
  reporter.stop();
  clearInterval(pollTimer);
  subscription.unsubscribe();
  outbox.close();
  log("stopped");
}

/**
 * tRPC's SSE client adds an abort listener to a subscription's signal each time it reconnects and
 * never removes it, and the dashboard ends every stream after 15 minutes: one subscription kept
 * for days would gather hundreds (Node warns past 10, MaxListenersExceededWarning). A fresh
 * subscription, with a fresh signal, replaces it after this many (re)connections; it reads the
 * whole queue on connecting, and commands already seen are not run twice.
 */
const reconnectsPerSubscription = 8;

type Queued = { command: DeliveredCommand } | { id: string; refusal: string } | { resume: string };

/** A resumed claim learns its command from the claim's answer, checked as a streamed one is. */
function resumed(commandId: string, sent: unknown): { command: DeliveredCommand } | { id: string; refusal: string } {
  const check = checkDeliveredCommand(sent);
  if (!check.ok) return { id: commandId, refusal: check.reason };
  if (check.command.id !== commandId) return { id: commandId, refusal: "Refused by the agent: the dashboard answered the claim with another command, so nothing was run." };
  return { command: check.command };
}

function idOf(queued: Queued): string {
  return "command" in queued ? queued.command.id : "refusal" in queued ? queued.id : queued.resume;
}

/** What the poll and the stream carry, before each command is checked on its own. */
const SentList = z.array(z.unknown()).max(1000);
const Envelope = z.object({ data: z.unknown() });

/** A claimed command outside the contract: reported failed, with the reason; never run. */
async function refuse(outbox: Outbox, commandId: string, reason: string, log: (message: string) => void): Promise<void> {
  log(`refused command ${commandId}: ${reason}`);
  outbox.addResult({ commandId, status: "failed", error: reason, failedStep: null, before: null, after: null, backupPath: null, prunedBackups: [], durationMs: 0 });
  await outbox.flush();
}

async function execute(
  outbox: Outbox,
  command: DeliveredCommand,
  probes: ProbeContext,
  journalFile: string,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<void> {
  log(`running ${command.spec.kind} (${command.id})`);
  const sink: StepSink = {
    async update(step: StepName, status: StepStatus, text: string) {
      // Large logs go up in pieces the server accepts.
      for (let offset = 0; offset === 0 || offset < text.length; offset += maxLogChunk) {
        outbox.addProgress({ commandId: command.id, step, status, log: text.slice(offset, offset + maxLogChunk) });
      }
      // While the dashboard is unreachable the plan goes on (its work is local); the outbox
      // delivers the log when it answers again.
      if (!outbox.backingOff) await outbox.flush();
      return { cancelRequested: outbox.cancelRequested(command.id) };
    },
  };
  const started = new Date();
  const journal = (step: StepName | null, backupPath: string | null, stepDone = false) =>
    writeJournal(journalFile, { commandId: command.id, kind: command.spec.kind, step, stepDone, startedAt: started.toISOString(), backupPath });
  journal(null, null);
  // Started: from here a restart reports the command interrupted (journal.ts), not claims it again.
  outbox.settleClaim(command.id);
  let result: CommandResult;
  try {
    const env = await readGoEnv(probes.go);
    result = await runPlan(
      {
        gocache: env.GOCACHE,
        runner: probes.go,
        commands: probes.commands,
        platform: probes.platform,
        home: probes.home,
        uid: probes.uid,
        sink,
        now: probes.now,
        onCleaned: (at) => {
          updateState(probes.stateFile, (state) => recordClean(state, env.GOCACHE, at));
        },
        busyReason: () => goBuildInProgress(probes, env.GOCACHE),
        cacheHelper: probes.cacheHelper,
        onProgress: (step, backupPath, done) => {
          if (step) journal(step, backupPath, done);
        },
      },
      command,
    );
  } catch (error) {
    result = {
      commandId: command.id,
      status: "failed",
      error: errorMessage(error),
      failedStep: null,
      before: null,
      after: null,
      backupPath: null,
      prunedBackups: [],
      durationMs: Date.now() - started.getTime(),
    };
  }
  // In the outbox first, then off the journal: a restart in between finds the result queued and
  // does not report an interruption that did not happen.
  outbox.addResult(CommandResult.parse(result));
  clearJournal(journalFile);
  log(`${command.spec.kind} ${result.status}${result.error ? `: ${result.error}` : ""}`);
  await outbox.flush();
}

/** A Go build of this user running now, as a retriable reason to wait; null when none. */
export async function goBuildInProgress(probes: ProbeContext, gocache: string): Promise<string | null> {
  if (probes.uid === null) return null;
  let processes: ProcessInfo[];
  if (probes.platform === "linux") processes = linuxProcesses();
  else {
    const listing = await probes.commands.run({ kind: "ps-processes" });
    processes = listing.exitCode === 0 ? parsePsOutput(listing.stdout) : [];
  }
  const builds = goBuildsOf(processes, probes.uid, process.pid, gocache);
  return builds.length > 0 ? describeBuilds(builds) : null;
}

/**
 * A command the agent was running when it last stopped is reported interrupted, with the step it
 * had really reached, through the outbox (so an unreachable dashboard still hears of it) — unless
 * the outbox already holds its real result (the agent stopped after queuing it).
 */
function reportInterrupted(outbox: Outbox, journalFile: string, log: (message: string) => void): void {
  const entry = readJournal(journalFile);
  if (!entry) return;
  outbox.settleClaim(entry.commandId);
  if (outbox.holdsResultOf(entry.commandId)) {
    clearJournal(journalFile);
    return;
  }
  const error = interruptionMessage(entry);
  const verifiedBackup = entry.step !== null && (entry.step !== "backup" || entry.stepDone === true);
  outbox.addResult({
    commandId: entry.commandId,
    status: "interrupted",
    error,
    failedStep: entry.step,
    before: null,
    after: null,
    backupPath: verifiedBackup ? entry.backupPath : null,
    prunedBackups: [],
    durationMs: Math.max(0, Date.now() - new Date(entry.startedAt).getTime()),
  });
  clearJournal(journalFile);
  log(`${entry.kind} ${entry.commandId} was interrupted: ${error}`);
}
