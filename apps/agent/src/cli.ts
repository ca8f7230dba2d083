// cachefleet-agent: the command line. `scan`, `enroll`, `run`, `status`, `migrate`, `disable`,
// `install`, `uninstall`, `cacheprog`, `rotate-key`.
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
import { prepareCacheProg, readCacheProgStats, rotateCacheKey } from "./cacheprog/index.js";
import { createKeyStore, currentAccount } from "./keystore.js";
import { createCacheHelper } from "./cache-helper.js";
import { confirm, confirmationProblem, describePlan, runLocalPlan, type LocalPlanSpec } from "./local-plan.js";
import { createServerClient } from "./server.js";
import { policyForStatus } from "./team-policy.js";
import { installService, uninstallService, type ServiceContext } from "./service.js";
import { formatBytes, renderStatus, wantsColor } from "./status-view.js";

const usage = `cachefleet-agent ${agentVersion}: keeps this machine's Go build cache healthy

Usage:
  cachefleet-agent scan [--json] [--gocache DIR]   classify every GOCACHE entry and print totals
  cachefleet-agent enroll --server URL --secret S  trade an enrollment secret for this agent's token
                                                   (or set CACHEFLEET_ENROLL_SECRET instead of --secret)
  cachefleet-agent run [--interval SECONDS]        report now, then a heartbeat every interval (60 s) and a
                                                   full report when something changed; run pushed commands
  cachefleet-agent status [--json]                 this machine's facts and health verdict, the cache
                                                   backend and its hit rate
  cachefleet-agent migrate [--no-backup] [--yes]   back up, clean, switch to Cachefleet's encrypted
                                                   cache (Go 1.24+), rebuild and verify, step by step
  cachefleet-agent disable [--no-backup] [--yes]   switch back to Go's own disk cache and clean it
  cachefleet-agent install                         run the agent at login (LaunchAgent on macOS,
                                                   systemd user unit on Linux)
  cachefleet-agent uninstall                       stop running it at login and remove that file
  cachefleet-agent cacheprog [--stats]             compile the encrypted cache helper if needed and
                                                   print its GOCACHEPROG value (or its hit counts)
  cachefleet-agent rotate-key                      seal the encrypted cache again under a new key

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
  const goBinary = findGoBinary(env.CACHEFLEET_GO, env.PATH);
  const keyStore = createKeyStore({ platform: process.platform, agentHome: agentHome(env), account: currentAccount(), commands, toolPath: defaultToolPath(env.PATH) });
  return {
    machineName: env.CACHEFLEET_MACHINE_NAME,
    commands,
    go: createGoRunner(goBinary, commands),
    cacheHelper: createCacheHelper({ go: resolveGoBinary(goBinary, pathDirs(env)), commands, agentHome: agentHome(env), keyStore }),
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
    pathDirs: probes.pathDirs,
    carriedEnv: { CACHEFLEET_MACHINE_NAME: env.CACHEFLEET_MACHINE_NAME, CACHEFLEET_GO: env.CACHEFLEET_GO, GOCACHE: env.GOCACHE },
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
      console.log(`cachefleet-agent ${agentVersion} reporting to ${config.server} as machine ${config.machineId} (a heartbeat every ${intervalSeconds} s)`);
      await runDaemon({ config, probes, journalFile: journalPath(agentHome(env)), heartbeatIntervalMs: intervalSeconds * 1000, signal: stop.signal });
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

    case "migrate":
    case "disable": {
      const { values } = parseArgs({ args: rest, options: { "no-backup": { type: "boolean" }, yes: { type: "boolean" } } });
      const spec: LocalPlanSpec = command === "migrate" ? { kind: "migrate", options: { backup: !values["no-backup"] } } : { kind: "disable", options: { backup: !values["no-backup"] } };
      const refusal = confirmationProblem(spec.kind, values.yes === true, process.stdin.isTTY === true && process.stdout.isTTY === true);
      if (refusal) throw new UsageError(refusal);
      if (!values.yes) {
        const gocache = (await readGoEnv(runner)).GOCACHE;
        console.log(`${command === "migrate" ? "Migrating" : "Disabling the encrypted cache on"} ${gocache} will:`);
        for (const line of describePlan(spec, gocache)) console.log(line);
        if (!(await confirm("Continue? [y/N] "))) {
          console.log("Nothing was changed.");
          return 1;
        }
      }
      const result = await runLocalPlan(probes, spec, (line) => console.log(line));
      if (result.backupPath) console.log(`Backup kept at ${result.backupPath}`);
      if (result.status === "succeeded") {
        console.log(command === "migrate" ? "Done: this machine now uses Cachefleet's encrypted build cache." : "Done: this machine uses Go's own disk cache again.");
        return 0;
      }
      console.error(`${command} ${result.status}${result.failedStep ? ` at ${result.failedStep}` : ""}: ${result.error ?? "no reason given"}`);
      return 1;
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

    case "cacheprog":
    case "rotate-key": {
      const { values } = parseArgs({ args: rest, options: command === "cacheprog" ? { stats: { type: "boolean" } } : {} });
      const gocache = (await readGoEnv(runner)).GOCACHE;
      if (values.stats) {
        process.stdout.write(`${JSON.stringify(readCacheProgStats(gocache), null, 2)}\n`);
        return 0;
      }
      const keyStore = createKeyStore({ platform: probes.platform, agentHome: agentHome(env), account: currentAccount(), commands: probes.commands, toolPath: defaultToolPath(env.PATH) });
      if (command === "rotate-key") {
        const { resealed, dropped } = await rotateCacheKey({ gocache, keyStore, log: (line) => console.log(line) });
        console.log(`Rotated the cache key: ${resealed} entries re-sealed, ${dropped} dropped.`);
        return 0;
      }
      const go = resolveGoBinary(runner.binary, probes.pathDirs);
      if (!go) throw new Error(`No go binary found to compile the cache helper (${runner.binary}).`);
      const { commandLine } = await prepareCacheProg({ go, commands: probes.commands, agentHome: agentHome(env), keyStore, log: (line) => console.error(line) });
      console.log(commandLine);
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
