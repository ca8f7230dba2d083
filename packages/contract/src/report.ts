// What an agent reports about its machine. Reports are idempotent: the agent picks the id.
import { z } from "zod";
import { PlacementProbes } from "./placement.js";
import { AgentProbes } from "./probes.js";
import { ScanSummary } from "./scan.js";
import { refuseUnstorableText } from "./storable.js";

/** The `go env -json` keys the agent reads; it never guesses paths. */
const goEnvValue = z.string().max(4096).default("");
export const GoEnv = z.object({
  GOVERSION: goEnvValue,
  GOOS: goEnvValue,
  GOARCH: goEnvValue,
  GOHOSTARCH: goEnvValue,
  GOROOT: goEnvValue,
  GOPATH: goEnvValue,
  GOBIN: goEnvValue,
  GOCACHE: goEnvValue,
  GOMODCACHE: goEnvValue,
  GOENV: goEnvValue,
  GOTOOLCHAIN: goEnvValue,
});
export type GoEnv = z.infer<typeof GoEnv>;

/** Every probe answers with one of these, so one failure never hides the rest. */
export const ProbeStatus = z.enum(["ok", "not-applicable", "error"]);
export type ProbeStatus = z.infer<typeof ProbeStatus>;

export const GoProbe = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ok"), env: GoEnv }),
  z.object({ status: z.literal("not-applicable"), message: z.string().max(4000) }),
  z.object({ status: z.literal("error"), message: z.string().max(4000) }),
]);
export type GoProbe = z.infer<typeof GoProbe>;

export const ScanProbe = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ok"), summary: ScanSummary }),
  z.object({ status: z.literal("not-applicable"), message: z.string().max(4000) }),
  z.object({ status: z.literal("error"), message: z.string().max(4000) }),
]);
export type ScanProbe = z.infer<typeof ScanProbe>;

/** A machine's host name, as the fleet shows it or as its OS reports it. */
const HostName = z.string().min(1).max(255);

export const MachineIdentity = z.object({
  /**
   * The name the machine goes by in the fleet: CACHEFLEET_MACHINE_NAME when the developer set it,
   * else the OS hostname. Fleet sorting and search use it, and every agent version sends it.
   */
  hostname: HostName,
  /**
   * The hostname the OS reports, whatever name the machine goes by. Optional, so reports of agents
   * from before it still validate; left out, not defaulted, so a parsed report keeps the digest
   * the agent computed over the one it sent.
   */
  osHostname: HostName.optional(),
  username: z.string().max(255),
  platform: z.string().max(32),
  osRelease: z.string().max(128),
  arch: z.string().max(32),
});
export type MachineIdentity = z.infer<typeof MachineIdentity>;

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * The encrypted cache helper's counters for this GOCACHE since they were last reset, as the report
 * carries them: enough for a hit rate and its cost, nothing about what was built.
 */
export const CacheHitFigures = z.object({
  gets: count,
  hits: count,
  misses: count,
  puts: count,
  bytesServed: count,
  bytesWritten: count,
  /** Time the helper spent answering, in milliseconds. */
  busyMs: count,
  /** Since when these counters run. */
  since: z.iso.datetime().nullable(),
});
export type CacheHitFigures = z.infer<typeof CacheHitFigures>;

/** Hits as a share of gets, 0–1; null before the first get. */
export function hitRateOf(figures: Pick<CacheHitFigures, "gets" | "hits">): number | null {
  return figures.gets > 0 ? Math.min(1, figures.hits / figures.gets) : null;
}

/**
 * A well-formed IANA time zone name (e.g. "Europe/Paris", "UTC", "America/Argentina/Buenos_Aires"):
 * a syntactic check only, never whether this runtime's time zone data knows the name. A Mac can
 * know a zone newer than the dashboard's data, and the agent, which validates every report it
 * sends, never loads ICU for it. Whoever turns the name into local time checks it then.
 */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  // Parts of letters, digits, "_", "+" and "-" joined by single slashes: no empty part, no dots.
  .regex(/^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/, "Not a time zone name.");

export const AgentReport = z.object({
  id: z.uuid(),
  agentVersion: z.string().max(64),
  takenAt: z.iso.datetime(),
  machine: MachineIdentity,
  /** The Mac's time zone, for maintenance windows in local time; absent from older agents. */
  timeZone: TimeZone.optional(),
  go: GoProbe,
  scan: ScanProbe,
  probes: AgentProbes,
  /** The helper's counters; null when it has none (no helper, or an agent that predates it). */
  cacheHits: CacheHitFigures.nullable().default(null),
  /** Where GOCACHE lives; absent in reports of agents from before these probes. */
  placement: PlacementProbes.optional(),
}).superRefine(refuseUnstorableText);
export type AgentReport = z.infer<typeof AgentReport>;

/** What a stored report from before the probes existed reads as: every probe unknown. */
const notProbed = { status: "not-applicable", message: "Reported by an agent version without this probe." } as const;
const probesOfOlderAgents: AgentProbes = {
  goToolchain: notProbed,
  hardware: notProbed,
  keychain: notProbed,
  permissions: notProbed,
  persistence: notProbed,
  tools: notProbed,
  versionDrift: notProbed,
};

/**
 * Reads a report from storage. Agents must send probes, but reports stored before probes existed
 * lack them; they read as "not-applicable" instead of failing the whole machine page.
 */
export const StoredAgentReport = z.preprocess(
  (value) => (typeof value === "object" && value !== null && !("probes" in value) ? { ...value, probes: probesOfOlderAgents } : value),
  AgentReport,
);
