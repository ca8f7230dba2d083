// `cachefleet-agent run`: report at once and then every interval, receive commands over SSE
// (with a slow poll as fallback), run them one at a time, and report again after each.
import { CommandResult, type DeliveredCommand, type StepName, type StepStatus } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { recordClean, updateState } from "./agent-state.js";
import type { AgentConfig } from "./config.js";
import { readGoEnv } from "./commands.js";
import { runMigration, type StepSink } from "./migration.js";
import type { ProbeContext } from "./probes/context.js";
import { agentVersion, collectReport, errorMessage } from "./report.js";
import { createServerClient, type ServerClient } from "./server.js";

export interface DaemonOptions {
  config: AgentConfig;
  probes: ProbeContext;
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
        await execute(client, command, options.probes, log);
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

async function execute(client: ServerClient, command: DeliveredCommand, probes: ProbeContext, log: (message: string) => void): Promise<void> {
  const runner = probes.go;
  const { claimed } = await client.agent.claim.mutate({ commandId: command.id });
  if (!claimed) return;
  log(`running ${command.spec.kind} (${command.id})`);
  const sink: StepSink = {
    async update(step: StepName, status: StepStatus, text: string) {
      // Large logs go up in pieces the server accepts.
      for (let offset = 0; offset === 0 || offset < text.length; offset += 16_000) {
        await client.agent.progress.mutate({ commandId: command.id, step, status, log: text.slice(offset, offset + 16_000) });
      }
    },
  };
  const started = Date.now();
  let result: CommandResult;
  try {
    const env = await readGoEnv(runner);
    if (command.spec.kind === "migrate") {
      const onCleaned = (at: Date) => {
        updateState(probes.stateFile, (state) => recordClean(state, env.GOCACHE, at));
      };
      result = await runMigration({ gocache: env.GOCACHE, runner, sink, now: probes.now, onCleaned }, command.spec.options, command.id);
    } else if (command.spec.kind === "rescan") {
      await sink.update("scan", "running", "");
      const summary = scanCache(env.GOCACHE);
      await sink.update("scan", "succeeded", `${summary.entries.count} entries, ${summary.entries.bytes} bytes; verdict ${summary.verdict}\n`);
      result = { commandId: command.id, status: "succeeded", error: null, failedStep: null, before: null, after: summary.entries, backupPath: null, prunedBackups: [], durationMs: Date.now() - started };
    } else {
      // A kind the server knows but this agent does not run yet must fail, never pass as a rescan.
      throw new Error(`This agent (${agentVersion}) does not run "${command.spec.kind}" commands yet.`);
    }
  } catch (error) {
    result = { commandId: command.id, status: "failed", error: errorMessage(error), failedStep: null, before: null, after: null, backupPath: null, prunedBackups: [], durationMs: Date.now() - started };
  }
  await client.agent.result.mutate(CommandResult.parse(result));
  log(`${command.spec.kind} ${result.status}${result.error ? `: ${result.error}` : ""}`);
}
