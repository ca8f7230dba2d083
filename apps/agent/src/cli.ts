// cachefleet-agent: the command line. `scan`, `enroll`, `run`, `status`.
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { scanCache } from "@cachefleet/gocache";
import { evaluateHealth, overallHealth } from "@cachefleet/health";
import { loadConfig, saveConfig, configPath } from "./config.js";
import { runDaemon } from "./daemon.js";
import { agentHome, readAgentEnv } from "./env.js";
import { findGoBinary } from "./find-go.js";
import { createGoRunner, readGoEnv } from "./go-commands.js";
import { machineIdentity } from "./machine.js";
import { agentVersion, collectReport, errorMessage } from "./report.js";
import { createServerClient } from "./server.js";

const usage = `cachefleet-agent ${agentVersion}: keeps this machine's Go build cache healthy

Usage:
  cachefleet-agent scan [--json] [--gocache DIR]   classify every GOCACHE entry and print totals
  cachefleet-agent enroll --server URL --secret S  trade an enrollment secret for this agent's token
                                                   (or set CACHEFLEET_ENROLL_SECRET instead of --secret)
  cachefleet-agent run [--interval SECONDS]        report now and every interval; run pushed commands
  cachefleet-agent status [--json]                 this machine's facts and health verdict

Environment:
  CACHEFLEET_AGENT_HOME   where the agent keeps its config (default: the platform's config folder)
  CACHEFLEET_GO           the go binary to run (default: go on PATH, then standard install folders)
`;

class UsageError extends Error {}

function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = readAgentEnv();
  const runner = createGoRunner(findGoBinary(env.CACHEFLEET_GO, env.PATH));

  switch (command) {
    case "scan": {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" }, gocache: { type: "string" } } });
      const gocache = values.gocache ? path.resolve(values.gocache) : (await readGoEnv(runner)).GOCACHE;
      const summary = scanCache(gocache);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        console.log(`${summary.gocache}: ${summary.entries.count} entries, ${formatBytes(summary.entries.bytes)}; verdict ${summary.verdict}`);
        for (const [name, tally] of Object.entries(summary.classes)) console.log(`  ${name.padEnd(10)} ${String(tally.count).padStart(8)}  ${formatBytes(tally.bytes)}`);
      }
      return 0;
    }

    case "enroll": {
      const { values } = parseArgs({ args: rest, options: { server: { type: "string" }, secret: { type: "string" } } });
      const secret = values.secret ?? env.CACHEFLEET_ENROLL_SECRET;
      if (!values.server || !secret) throw new UsageError("enroll needs --server URL and --secret S (or CACHEFLEET_ENROLL_SECRET).");
      const server = new URL(values.server).origin;
      const home = agentHome(env);
      const machine = machineIdentity();
      const enrolled = await createServerClient(server, null).agent.enroll.mutate({ secret, machine });
      saveConfig(home, { server, machineId: enrolled.machineId, token: enrolled.token, enrolledAt: new Date().toISOString() });
      console.log(`Enrolled ${machine.hostname} with ${server} as machine ${enrolled.machineId}.`);
      console.log(`The token is kept in ${configPath(home)} (readable only by ${os.userInfo().username}).`);
      return 0;
    }

    case "run": {
      const { values } = parseArgs({ args: rest, options: { interval: { type: "string" } } });
      const config = loadConfig(agentHome(env));
      if (!config) throw new UsageError(`This agent is not enrolled yet (no ${configPath(agentHome(env))}); run \`cachefleet-agent enroll\` first.`);
      const intervalSeconds = values.interval ? Number(values.interval) : env.CACHEFLEET_REPORT_INTERVAL_SECONDS;
      if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1) throw new UsageError("--interval must be a whole number of seconds, at least 1.");
      const stop = new AbortController();
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
      console.log(`cachefleet-agent ${agentVersion} reporting to ${config.server} every ${intervalSeconds} s as machine ${config.machineId}`);
      await runDaemon({ config, runner, reportIntervalMs: intervalSeconds * 1000, signal: stop.signal });
      return 0;
    }

    case "status": {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
      const report = await collectReport(runner);
      const findings = evaluateHealth({ go: report.go, scan: report.scan });
      const health = overallHealth(findings);
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ report, health, findings }, null, 2)}\n`);
        return 0;
      }
      console.log(`${report.machine.hostname}: ${health}`);
      if (report.go.status === "ok") console.log(`  Go ${report.go.env.GOVERSION} (${report.go.env.GOOS}/${report.go.env.GOARCH})`);
      if (report.scan.status === "ok") {
        const summary = report.scan.summary;
        console.log(`  GOCACHE ${summary.gocache}: ${summary.entries.count} entries, ${formatBytes(summary.entries.bytes)}, ${summary.verdict}`);
      }
      for (const finding of findings) console.log(`  [${finding.severity}] ${finding.title}\n      → ${finding.action}`);
      if (findings.length === 0) console.log("  Nothing to do.");
      return 0;
    }

    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(usage);
      return command === undefined ? 1 : 0;

    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else console.error(`cachefleet-agent: ${errorMessage(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
