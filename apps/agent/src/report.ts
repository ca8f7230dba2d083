// Gathers one report: every probe answers on its own, so one failure never hides the rest.
import { randomUUID } from "node:crypto";
import type { AgentReport, GoProbe, ScanProbe } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { readGoEnv, type GoRunner } from "./go-commands.js";
import { machineIdentity } from "./machine.js";

declare const AGENT_VERSION: string;
export const agentVersion = typeof AGENT_VERSION === "string" ? AGENT_VERSION : "dev";

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function probeGo(runner: GoRunner): Promise<GoProbe> {
  try {
    return { status: "ok", env: await readGoEnv(runner) };
  } catch (error) {
    return { status: "error", message: errorMessage(error) };
  }
}

export function probeScan(gocache: string | null): ScanProbe {
  if (!gocache) return { status: "error", message: "GOCACHE is unknown because `go env` failed." };
  if (gocache === "off") return { status: "not-applicable", message: "The build cache is turned off (GOCACHE=off)." };
  try {
    return { status: "ok", summary: scanCache(gocache) };
  } catch (error) {
    return { status: "error", message: errorMessage(error) };
  }
}

export async function collectReport(runner: GoRunner): Promise<AgentReport> {
  const go = await probeGo(runner);
  const scan = probeScan(go.status === "ok" ? go.env.GOCACHE : null);
  return {
    id: randomUUID(),
    agentVersion,
    takenAt: new Date().toISOString(),
    machine: machineIdentity(),
    go,
    scan,
  };
}
