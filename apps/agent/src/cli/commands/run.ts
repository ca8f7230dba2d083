// `cachefleet-agent run`: the daemon (daemon.ts) until SIGINT or SIGTERM.
import os from "node:os";
import { configPath, loadConfig } from "../../config.js";
import { runDaemon } from "../../daemon.js";
import { agentHome } from "../../env.js";
import { journalPath } from "../../journal.js";
import { agentVersion } from "../../version.js";
import { probeContext, text } from "../context.js";
import { UsageError } from "../errors.js";
import type { CommandHandler } from "../table.js";

export const run: CommandHandler = async ({ name, values, env, readOnly }) => {
  const home = agentHome(env);
  const config = loadConfig(home);
  if (!config) throw new UsageError(`This agent is not enrolled yet (no ${configPath(home)}); run \`cachefleet-agent enroll\` first.`, name);
  const given = text(values, "interval");
  const intervalSeconds = given === undefined ? env.CACHEFLEET_REPORT_INTERVAL_SECONDS : Number(given);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1) throw new UsageError("--interval must be a whole number of seconds, at least 1.", name);
  const stop = new AbortController();
  // `on`, not `once`: execa's child clean-up (signal-exit) re-raises a SIGTERM that no other
  // listener is left to hear, which killed the agent in the middle of stopping whenever a go
  // command was running. A second signal ends it at once, as a second Ctrl+C is expected to.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(128 + (os.constants.signals[signal] ?? 0));
    stop.abort();
  };
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) process.on(signal, onSignal);
  console.log(`cachefleet-agent ${agentVersion} reporting to ${config.server} as machine ${config.machineId} (a heartbeat every ${intervalSeconds} s)`);
  try {
    await runDaemon({ config, probes: probeContext(env, readOnly), journalFile: journalPath(home), heartbeatIntervalMs: intervalSeconds * 1000, signal: stop.signal });
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
  return 0;
};
