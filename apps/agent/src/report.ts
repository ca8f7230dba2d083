// Gathers one report: every probe answers on its own, so one failure never hides the rest.
import { randomUUID } from "node:crypto";
import type { AgentProbes, AgentReport, CacheHitFigures, GoEnv, GoProbe, ScanProbe } from "@cachefleet/contract";
import { scanCacheIncremental } from "@cachefleet/gocache";
import { loadScanState, saveScanState } from "./scan-state.js";
import { readGoEnv, type GoRunner } from "./commands.js";
import { machineIdentity, machineTimeZone } from "./machine.js";
import { errorMessage, failed } from "./probes/answer.js";
import type { ProbeContext } from "./probes/context.js";
import { probeGoToolchain } from "./probes/go-toolchain.js";
import { probeHardware } from "./probes/hardware.js";
import { probeKeychain } from "./probes/keychain.js";
import { probePlacement } from "./probes/placement.js";
import { probePermissions } from "./probes/permissions.js";
import { probePersistence } from "./probes/persistence.js";
import { probeTools } from "./probes/tools.js";
import { probeVersionDrift } from "./probes/version-drift.js";

import { agentVersion } from "./version.js";

export { errorMessage } from "./probes/answer.js";
export { agentVersion } from "./version.js";

export async function probeGo(runner: GoRunner): Promise<GoProbe> {
  try {
    return { status: "ok", env: await readGoEnv(runner) };
  } catch (error) {
    return { status: "error", message: errorMessage(error) };
  }
}

/** Two scan threads: enough to use both cores of a small machine, light on a big one's memory. */
export const scanThreads = 2;

/**
 * Scans GOCACHE, reusing what the previous scan learned when `stateFile` is given (entries whose
 * inode, size and times are unchanged are not read again; the result stays exact), and saving what
 * this one learned unless `save` is false.
 */
export async function probeScan(gocache: string | null, stateFile?: string, save = true): Promise<ScanProbe> {
  if (!gocache) return { status: "error", message: "GOCACHE is unknown because `go env` failed." };
  if (gocache === "off") return { status: "not-applicable", message: "The build cache is turned off (GOCACHE=off)." };
  try {
    const previous = stateFile ? loadScanState(stateFile) : null;
    const { summary, state } = await scanCacheIncremental(gocache, previous, { threads: scanThreads });
    if (stateFile && save) {
      try {
        saveScanState(stateFile, state);
      } catch {
        // Not fatal: the next scan is a full one.
      }
    }
    return { status: "ok", summary };
  } catch (error) {
    return { status: "error", message: errorMessage(error) };
  }
}

/** Guards a probe so even an unexpected throw becomes that probe's error, not the report's. */
async function settle<T>(work: () => T | Promise<T>): Promise<T | { status: "error"; message: string }> {
  try {
    return await work();
  } catch (error) {
    return failed(error);
  }
}

export type SpawningProbes = Pick<AgentProbes, "goToolchain" | "hardware" | "keychain" | "tools">;
export type FileProbes = Omit<AgentProbes, keyof SpawningProbes>;

/** The probes that start processes (go version -m, sysctl, sw_vers, security); run together. */
export async function collectSpawningProbes(context: ProbeContext, env: GoEnv | null): Promise<SpawningProbes> {
  const [goToolchain, hardware, keychain, tools] = await Promise.all([
    settle(() => probeGoToolchain(context, env)),
    settle(() => probeHardware(context, env)),
    settle(() => probeKeychain(context)),
    settle(() => probeTools(context, env)),
  ]);
  return { goToolchain, hardware, keychain, tools };
}

/** The probes that only read files: quick. */
export async function collectFileProbes(context: ProbeContext, env: GoEnv | null, scan: ScanProbe): Promise<FileProbes> {
  const gocache = env ? env.GOCACHE : null;
  return {
    permissions: await settle(() => probePermissions(gocache, context.uid)),
    persistence: await settle(() => probePersistence(env, context.platform, context.home)),
    versionDrift: await settle(() => probeVersionDrift(env, scan, context.stateFile, context.now(), !context.readOnly)),
  };
}

/** The helper's counters for this GOCACHE; a stats file that cannot be read is no figures, not a failed report. */
export function readCacheHits(context: ProbeContext, gocache: string | null): CacheHitFigures | null {
  if (!gocache || !context.cacheHelper) return null;
  try {
    return context.cacheHelper.readHits(gocache);
  } catch {
    return null;
  }
}

/** The machine probes, given what `go env` and the scan found. */
export async function collectProbes(context: ProbeContext, env: GoEnv | null, scan: ScanProbe): Promise<AgentProbes> {
  const spawning = await collectSpawningProbes(context, env);
  const files = await collectFileProbes(context, env, scan);
  return { goToolchain: spawning.goToolchain, hardware: spawning.hardware, keychain: spawning.keychain, permissions: files.permissions, persistence: files.persistence, tools: spawning.tools, versionDrift: files.versionDrift };
}

export async function collectReport(context: ProbeContext): Promise<AgentReport> {
  const takenAt = context.now();
  const go = await probeGo(context.go);
  const env = go.status === "ok" ? go.env : null;
  const scan = await probeScan(env ? env.GOCACHE : null, context.scanStateFile, !context.readOnly);
  return {
    id: randomUUID(),
    agentVersion,
    takenAt: takenAt.toISOString(),
    machine: machineIdentity(context.machineName),
    timeZone: machineTimeZone(context.timeZoneVariable),
    go,
    scan,
    probes: await collectProbes(context, env, scan),
    cacheHits: readCacheHits(context, env ? env.GOCACHE : null),
    placement: await probePlacement(context, env ? env.GOCACHE : null).catch(() => undefined),
  };
}
