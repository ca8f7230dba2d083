// `cachefleet-agent run`: report at once and then every interval, receive commands over SSE
// (with a slow poll as fallback), run them one at a time, and report again after each.
import { CommandResult, maxLogChunk, type DeliveredCommand, type StepName, type StepStatus } from "@cachefleet/contract";
import { recordClean, updateState } from "./agent-state.js";
import type { AgentConfig } from "./config.js";
import { readGoEnv } from "./commands.js";
import { describeBuilds, goBuildsOf, linuxProcesses, parsePsOutput, type ProcessInfo } from "./go-builds.js";
import { clearJournal, interruptionMessage, readJournal, writeJournal } from "./journal.js";
import { runPlan, type StepSink } from "./plan-runner.js";
import { probeKeychain } from "./probes/keychain.js";
import type { ProbeContext } from "./probes/context.js";
import { collectReport, errorMessage } from "./report.js";
import { createServerClient, type ServerClient } from "./server.js";

export interface DaemonOptions {
  config: AgentConfig;
  probes: ProbeContext;
  /** Where the agent notes the command it is running (see journal.ts). */
  journalFile: string;
  reportIntervalMs: number;
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
  const queue: DeliveredCommand[] = [];
  const seen = new Set<string>();
  let working = false;

  async function sendReport(): Promise<void> {
    try {
      const report = await collectReport(options.probes);
      const outcome = await client.agent.report.mutate(report);
      const entries = report.scan.status === "ok" ? `${report.scan.summary.entries.count} entries, ${report.scan.summary.verdict}` : report.scan.message;
      log(`reported: ${entries}; health ${outcome.health}`);
    } catch (error) {
      log(`report failed: ${errorMessage(error)}`);
    }
  }

  function accept(command: DeliveredCommand): void {
    if (seen.has(command.id)) return;
    seen.add(command.id);
    queue.push(command);
    void drain();
  }

  async function drain(): Promise<void> {
    if (working) return;
    working = true;
    try {
      for (let command = queue.shift(); command; command = queue.shift()) {
        if (options.signal.aborted) return;
        await execute(client, command, options.probes, options.journalFile, log);
        await sendReport();
      }
    } finally {
      working = false;
    }
  }

  async function poll(): Promise<void> {
    try {
      for (const command of await client.agent.pendingCommands.query()) accept(command);
    } catch (error) {
      log(`command poll failed: ${errorMessage(error)}`);
    }
  }

  await reportInterrupted(client, options.journalFile, log);
  await sendReport();
  const subscription = client.agent.commands.subscribe(undefined, {
    onData: (envelope) => accept(envelope.data),
    onStarted: () => log("listening for commands"),
    onError: (error) => log(`command stream error: ${error.message}`),
    onConnectionStateChange: (state) => {
      if (state.state === "connecting" && state.error) log(`command stream reconnecting: ${state.error.message}`);
    },
  });
  const reportTimer = setInterval(() => void sendReport(), options.reportIntervalMs);
  const pollTimer = setInterval(() => void poll(), options.pollFallbackMs ?? 30_000);

  await new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve(), { once: true }));
  clearInterval(reportTimer);
  clearInterval(pollTimer);
  subscription.unsubscribe();
  log("stopped");
}

async function execute(
  client: ServerClient,
  command: DeliveredCommand,
  probes: ProbeContext,
  journalFile: string,
  log: (message: string) => void,
): Promise<void> {
  const { claimed } = await client.agent.claim.mutate({ commandId: command.id });
  if (!claimed) return;
  log(`running ${command.spec.kind} (${command.id})`);
  const sink: StepSink = {
    async update(step: StepName, status: StepStatus, text: string) {
      let cancelRequested = false;
      // Large logs go up in pieces the server accepts.
      for (let offset = 0; offset === 0 || offset < text.length; offset += maxLogChunk) {
        const ack = await client.agent.progress.mutate({ commandId: command.id, step, status, log: text.slice(offset, offset + maxLogChunk) });
        cancelRequested ||= ack.cancelRequested;
      }
      return { cancelRequested };
    },
  };
  const started = new Date();
  const journal = (step: StepName | null, backupPath: string | null) =>
    writeJournal(journalFile, { commandId: command.id, kind: command.spec.kind, step, startedAt: started.toISOString(), backupPath });
  journal(null, null);
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
        verifyProblem: () => keychainProblem(probes),
        onProgress: (step, backupPath) => {
          if (step) journal(step, backupPath);
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
  await client.agent.result.mutate(CommandResult.parse(result));
  clearJournal(journalFile);
  log(`${command.spec.kind} ${result.status}${result.error ? `: ${result.error}` : ""}`);
}

/** A Go build of this user running now, as a retriable reason to wait; null when none. */
async function goBuildInProgress(probes: ProbeContext, gocache: string): Promise<string | null> {
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

/** On macOS the rebuilt cache can only be encrypted when the Keychain item exists. */
async function keychainProblem(probes: ProbeContext): Promise<string | null> {
  const keychain = await probeKeychain(probes);
  if (keychain.status === "ok" && !keychain.itemPresent) {
    return `The Keychain has no "${keychain.service}" item, so the rebuilt cache cannot be encrypted; create it, then run verify again.`;
  }
  return null;
}

/** A command the agent was running when it last stopped is reported interrupted, with its step. */
async function reportInterrupted(client: ServerClient, journalFile: string, log: (message: string) => void): Promise<void> {
  const entry = readJournal(journalFile);
  if (!entry) return;
  const error = interruptionMessage(entry);
  try {
    const { recorded } = await client.agent.result.mutate({
      commandId: entry.commandId,
      status: "interrupted",
      error,
      failedStep: entry.step,
      before: null,
      after: null,
      backupPath: entry.step === "backup" ? null : entry.backupPath,
      prunedBackups: [],
      durationMs: Date.now() - new Date(entry.startedAt).getTime(),
    });
    log(`${entry.kind} ${entry.commandId} was interrupted${recorded ? "" : " (the dashboard had already marked it)"}: ${error}`);
    clearJournal(journalFile);
  } catch (failure) {
    log(`could not report the interrupted command yet: ${errorMessage(failure)}`);
  }
}
