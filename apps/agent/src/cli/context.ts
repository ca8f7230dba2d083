// What the commands that touch this machine are given: the probe context (command runners, the go
// binary, where the agent keeps its files) and, for install/uninstall, the service context. Built
// by the commands that need them, never for help or a usage error.
import path from "node:path";
import { statePath } from "../agent-state.js";
import { createCacheHelper } from "../cache-helper.js";
import { createCommandRunner, createGoRunner, defaultToolPath } from "../commands.js";
import { agentHome, homeDir, xdgConfigHome, type AgentEnv } from "../env.js";
import { findGoBinary } from "../find-go.js";
import { createKeyStore, currentAccount } from "../keystore.js";
import { BuildInfoMemo } from "../probes/build-info.js";
import { defaultToolchainLocations, type ProbeContext } from "../probes/context.js";
import { resolveGoBinary } from "../probes/go-toolchain.js";
import { scanStatePath } from "../scan-state.js";
import type { ServiceContext } from "../service.js";

function currentUid(): number | null {
  return typeof process.getuid === "function" ? process.getuid() : null;
}

function pathDirs(env: AgentEnv): string[] {
  return (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
}

/** `readOnly`: the probes read the agent's files but write none of them (`status`). */
export function probeContext(env: AgentEnv, readOnly: boolean): ProbeContext {
  const commands = createCommandRunner({ toolPath: defaultToolPath(env.PATH) });
  const home = homeDir(env);
  const goBinary = findGoBinary(env.CACHEFLEET_GO, env.PATH);
  const keyStore = createKeyStore({ platform: process.platform, agentHome: agentHome(env), account: currentAccount(), commands, toolPath: defaultToolPath(env.PATH) });
  return {
    machineName: env.CACHEFLEET_MACHINE_NAME,
    timeZoneVariable: env.TZ,
    commands,
    go: createGoRunner(goBinary, commands),
    cacheHelper: createCacheHelper({ go: resolveGoBinary(goBinary, pathDirs(env)), commands, agentHome: agentHome(env), keyStore }),
    platform: process.platform,
    home,
    stateFile: statePath(agentHome(env)),
    scanStateFile: scanStatePath(agentHome(env)),
    readOnly,
    uid: currentUid(),
    pathDirs: pathDirs(env),
    now: () => new Date(),
    toolchainLocations: defaultToolchainLocations(home, process.platform),
    buildInfo: new BuildInfoMemo(),
  };
}

export function serviceContext(env: AgentEnv, probes: ProbeContext, entryFile: string): ServiceContext {
  return {
    platform: process.platform,
    home: probes.home,
    configHome: xdgConfigHome(env),
    agentHome: agentHome(env),
    nodePath: process.execPath,
    cliPath: entryFile,
    goBinary: resolveGoBinary(probes.go.binary, probes.pathDirs),
    pathDirs: probes.pathDirs,
    carriedEnv: { CACHEFLEET_MACHINE_NAME: env.CACHEFLEET_MACHINE_NAME, CACHEFLEET_GO: env.CACHEFLEET_GO, GOCACHE: env.GOCACHE },
    uid: probes.uid,
    commands: probes.commands,
  };
}

/** Reads a boolean option. */
export function flag(values: Record<string, string | boolean | undefined>, name: string): boolean {
  return values[name] === true;
}

/** Reads a string option; undefined when not given. */
export function text(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}
