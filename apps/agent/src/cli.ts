// cachefleet-agent: the command line. `scan`, `enroll`, `run`, `status`, `install`, `uninstall`.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { scanCacheIncremental } from "@cachefleet/gocache";
import { evaluateHealth, overallHealth, sortFindings } from "@cachefleet/health";
import { statePath } from "./agent-state.js";
import { createCommandRunner, createGoRunner, defaultToolPath, readGoEnv } from "./commands.js";
import { loadConfig, saveConfig, configPath } from "./config.js";
import { runDaemon } from "./daemon.js";
import { journalPath } from "./journal.js";
import { scanStatePath } from "./scan-state.js";
import { agentHome, homeDir, readAgentEnv, xdgConfigHome, type AgentEnv } from "./env.js";
import { findGoBinary } from "./find-go.js";
import { machineIdentity } from "./machine.js";
import { BuildInfoMemo } from "./probes/build-info.js";
import { defaultToolchainLocations, type ProbeContext } from "./probes/context.js";
import { resolveGoBinary } from "./probes/go-toolchain.js";
import { agentVersion, scanThreads, collectReport, errorMessage } from "./report.js";
import { createServerClient } from "./server.js";
import { policyForStatus } from "./team-policy.js";
import { installService, uninstallService, type ServiceContext } from "./service.js";
import { formatBytes, renderStatus, wantsColor } from "./status-view.js";

const usage = `cachefleet-agent ${agentVersion}: keeps this machine's Go build cache healthy

Usage:
  cachefleet-agent scan [--json] [--gocache DIR]   classify every GOCACHE entry and print totals
  cachefleet-agent enroll --server URL --secret S  trade an enrollment secret for this agent's token
                                                   (or set CACHEFLEET_ENROLL_SECRET instead of --secret)
  cachefleet-agent run [--interval SECONDS]        report now and every interval; run pushed commands
  cachefleet-agent status [--json]                 this machine's facts and health verdict
  cachefleet-agent install                         run the agent at login (LaunchAgent on macOS,
                                                   systemd user unit on Linux)
  cachefleet-agent uninstall                       stop running it at login and remove that file

Environment:
  CACHEFLEET_AGENT_HOME   where the agent keeps its config (default: the platform's config folder)
  CACHEFLEET_MACHINE_NAME the name the dashboard shows (default: the hostname)
  CACHEFLEET_GO           the go binary to run (default: go on PATH, then standard install folders)
  NO_COLOR                set to anything to print status without colors
`;

class UsageError extends Error {}

function currentUid(): number | null {
  return typeof process.getuid === "function" ? process.getuid() : null;
}

function pathDirs(env: AgentEnv): string[] {
  return (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
}

function probeContext(env: AgentEnv): ProbeContext {
  const commands = createCommandRunner({ toolPath: defaultToolPath(env.PATH) });
  const home = homeDir(env);
  return {
    machineName: env.CACHEFLEET_MACHINE_NAME,
    commands,
    go: createGoRunner(findGoBinary(env.CACHEFLEET_GO, env.PATH), commands),
    platform: process.platform,
    home,
    stateFile: statePath(agentHome(env)),
    scanStateFile: scanStatePath(agentHome(env)),
    uid: currentUid(),
    pathDirs: pathDirs(env),
    now: () => new Date(),
    toolchainLocations: defaultToolchainLocations(home, process.platform),
    buildInfo: new BuildInfoMemo(),
  };
}

function serviceContext(env: AgentEnv, probes: ProbeContext): ServiceContext {
  return {
    platform: process.platform,
    home: probes.home,
    configHome: xdgConfigHome(env),
    agentHome: agentHome(env),
    nodePath: process.execPath,
    // The bundle itself (dist/cli.js): what the service runs.
    cliPath: fileURLToPath(import.meta.url),
    goBinary: resolveGoBinary(probes.go.binary, probes.pathDirs),
    uid: probes.uid,
    commands: probes.commands,
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = readAgentEnv();
  const probes = probeContext(env);
  const runner = probes.go;

  switch (command) {
    case "scan": {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" }, gocache: { type: "string" } } });
      const gocache = values.gocache ? path.resolve(values.gocache) : (await readGoEnv(runner)).GOCACHE;
      // A one-off scan: both threads, no saved state, so the figures always come from the disk.
      const { summary } = await scanCacheIncremental(gocache, null, { threads: scanThreads });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        console.log(`${summary.gocache}: ${summary.entries.count} entries, ${formatBytes(summary.entries.bytes)}; verdict ${summary.verdict}`);
        for (const [name, tally] of Object.entries(summary.classes)) console.log(`  ${name.padEnd(10)} ${String(tally.count).padStart(8)}  ${formatBytes(tally.bytes)}`);
        if (summary.trim) {
          const { lastTrimAt, unused } = summary.trim;
          console.log(`  last trim ${lastTrimAt ?? "never (no trim.txt)"}; unused by Go's rule: ${unused.count} entries, ${formatBytes(unused.bytes)}`);
        }
      }
      return 0;
    }

    case "enroll": {
      const { values } = parseArgs({ args: rest, options: { server: { type: "string" }, secret: { type: "string" } } });
      const secret = values.secret ?? env.CACHEFLEET_ENROLL_SECRET;
      if (!values.server || !secret) throw new UsageError("enroll needs --server URL and --secret S (or CACHEFLEET_ENROLL_SECRET).");
      const server = new URL(values.server).origin;
      const home = agentHome(env);
      const machine = machineIdentity(env.CACHEFLEET_MACHINE_NAME);
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
      await runDaemon({ config, probes, journalFile: journalPath(agentHome(env)), reportIntervalMs: intervalSeconds * 1000, signal: stop.signal });
      return 0;
    }

    case "status": {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
      const [report, judgedBy] = await Promise.all([collectReport(probes), policyForStatus(loadConfig(agentHome(env)))]);
      const findings = sortFindings(evaluateHealth({ go: report.go, scan: report.scan, probes: report.probes, takenAt: report.takenAt, placement: report.placement }, judgedBy.policy));
      const health = overallHealth(findings);
      if (values.json) process.stdout.write(`${JSON.stringify({ report, health, findings, policy: judgedBy.policy, policySource: judgedBy.source }, null, 2)}\n`);
      else process.stdout.write(`${renderStatus(report, findings, health, wantsColor(process.stdout.isTTY, env.NO_COLOR))}Judged by the ${judgedBy.source}.\n`);
      return 0;
    }

    case "install":
    case "uninstall": {
      parseArgs({ args: rest, options: {} });
      const context = serviceContext(env, probes);
      if (command === "install" && !loadConfig(context.agentHome)) {
        console.log(`Note: this agent is not enrolled yet; the service starts reporting once you run \`cachefleet-agent enroll\`.`);
      }
      const outcome = command === "install" ? await installService(context) : await uninstallService(context);
      for (const line of outcome.lines) console.log(line);
      return outcome.ok ? 0 : 1;
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
