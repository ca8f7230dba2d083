// Simulated Macs for the specs and benches. Their reports come from the contract's one test
// builder (`agentReport`: a report as a real agent on a Mac sends it, every probe answered), shaped
// here by the facts each spec chooses; the Macs enroll and report through the agents' real tRPC API.
import { isDeepStrictEqual } from "node:util";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter, RouterInputs } from "@cachefleet/api";
import { agentReport, notProbed, probeNames } from "@cachefleet/db/test-support";
import { createAgentClient, type ApiClient } from "./simulated-agent.js";

export type AgentReport = RouterInputs["agent"]["report"];
export type CacheVerdict = "plaintext" | "encrypted" | "mixed" | "empty";
/** The probes as the report builder takes them (defaults filled in, unlike the wire input). */
type Probes = NonNullable<NonNullable<Parameters<typeof agentReport>[0]>["probes"]>;

const day = 86_400_000;

/** A report of a Mac running `goVersion` whose cache holds only plaintext entries; no probe answers. */
export function plaintextCacheReport(hostname: string, goVersion: string): AgentReport {
  return agentReport({ hostname, agentVersion: "simulated", goVersions: [goVersion], plaintext: 1200, cacheBytes: 65_000_000, probes: notProbed(...probeNames) });
}

// One machine of a fleet, from a few facts ---------------------------------------------------------

export interface MachineFacts {
  hostname: string;
  username: string;
  /** "arm64" or "x64", as Node's os.arch() says. */
  arch: string;
  /** The agent (and its Go) run translated by Rosetta. */
  rosetta: boolean;
  macosVersion: string;
  /** The active toolchain first. */
  goVersions: readonly string[];
  verdict: CacheVerdict;
  entries: number;
  bytes: number;
  keychain: boolean;
}

/** The fleet spec's machines and the fleet bench's history: a mixed cache is a third encrypted. */
export function simulatedReport(machine: MachineFacts, takenAt: Date = new Date(), id: string = crypto.randomUUID()): AgentReport {
  const entries = machine.verdict === "empty" ? 0 : machine.entries;
  const encrypted = machine.verdict === "encrypted" ? entries : machine.verdict === "mixed" ? Math.floor(entries / 3) : 0;
  return agentReport({
    id, takenAt, hostname: machine.hostname, username: machine.username, arch: machine.arch,
    appleSilicon: machine.arch === "arm64" || machine.rosetta, rosetta: machine.rosetta, goUnderRosetta: machine.rosetta,
    macosVersion: machine.macosVersion, goVersions: machine.goVersions, keychain: machine.keychain,
    verdict: machine.verdict, plaintext: entries - encrypted, encrypted, cacheBytes: machine.bytes,
  });
}

// A Mac that enrolls and then reports a chosen cache ----------------------------------------------

export interface CacheFigures {
  plaintext: number;
  encrypted: number;
}

export interface SimulatedReport {
  takenAt: Date;
  cache: CacheFigures;
  goVersion?: string;
  /** Probes to replace in the otherwise healthy Mac's set. */
  probes?: Partial<Probes>;
  /** The Mac's IANA time zone, as the agent reports it. */
  timeZone?: string;
}

/** A healthy Homebrew-Go Mac's report with the cache and probes a spec chooses. */
export function macReport(hostname: string, report: SimulatedReport): AgentReport {
  const built = agentReport({
    hostname, takenAt: report.takenAt, goVersions: [report.goVersion ?? "go1.22.2"], goroot: "/opt/homebrew/Cellar/go/1.22.2/libexec",
    ...report.cache, ...(report.probes ? { probes: report.probes } : {}),
  });
  return report.timeZone ? { ...built, timeZone: report.timeZone } : built;
}

export interface SimulatedMachine {
  machineId: string;
  hostname: string;
  client: ApiClient;
  report(report: SimulatedReport): Promise<void>;
}

/** Enrolls through the public enroll procedure, as `cachefleet-agent enroll` does. */
export async function enrollSimulatedMac(server: string, secret: string, hostname: string): Promise<SimulatedMachine> {
  const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url: new URL("/api/trpc", server).toString() })] });
  const { machineId, token } = await anonymous.agent.enroll.mutate({
    secret,
    machine: { hostname, username: "dev", platform: "darwin", osRelease: "24.1.0", arch: "arm64" },
  });
  const client = createAgentClient(server, token);
  return {
    machineId,
    hostname,
    client,
    report: async (report) => {
      await client.agent.report.mutate(macReport(hostname, report));
    },
  };
}

/**
 * Runs the migrations (with backup) a simulated Mac has been sent, as the agent does: claim,
 * succeed, report again, now with an encrypted cache. Resolves to how many it ran; any other
 * command is an error.
 */
export async function runSentMigrations(mac: SimulatedMachine, timeZone: string): Promise<number> {
  const pending = await mac.client.agent.pendingCommands.query();
  for (const command of pending) {
    if (!isDeepStrictEqual(command.spec, { kind: "migrate", options: { backup: true } })) throw new Error(`${mac.hostname} was sent ${JSON.stringify(command.spec)}, not a migration with backup.`);
    // Each message carries its own id, as the agent's outbox assigns them.
    if (!(await mac.client.agent.claim.mutate({ messageId: crypto.randomUUID(), commandId: command.id })).claimed) continue;
    await mac.client.agent.result.mutate({ messageId: crypto.randomUUID(), commandId: command.id, status: "succeeded", error: null, failedStep: null, before: null, after: null, backupPath: null, durationMs: 1200 });
    await mac.report({ takenAt: new Date(), cache: { plaintext: 0, encrypted: 60 }, timeZone });
  }
  return pending.length;
}

// A small, realistic team for pictures of the dashboard -------------------------------------------

export interface SimulatedMac {
  hostname: string;
  username: string;
  macos: string;
  /** "arm64" for Apple Silicon, "x86_64" for Intel. */
  cpu: "arm64" | "x86_64";
  /** An amd64 Go on Apple Silicon: it runs under Rosetta. */
  goUnderRosetta?: boolean;
  goVersion: string;
  /** Another toolchain installed next to the active one. */
  otherGo?: string;
  verdict: CacheVerdict;
  entries: number;
  /** Average entry size in bytes. */
  entryBytes: number;
  keychainKey: boolean;
  goenvKeys?: string[];
  tools?: string[];
}

export const teamMacs: SimulatedMac[] = [
  { hostname: "ana-mbp", username: "ana", macos: "15.1", cpu: "arm64", goVersion: "go1.24.1", verdict: "encrypted", entries: 18_240, entryBytes: 61_000, keychainKey: true, goenvKeys: ["GOPRIVATE"], tools: ["gopls", "staticcheck", "dlv"] },
  { hostname: "ben-mbp", username: "ben", macos: "14.6.1", cpu: "arm64", goVersion: "go1.22.5", verdict: "plaintext", entries: 9_812, entryBytes: 58_000, keychainKey: false, tools: ["gopls"] },
  { hostname: "chen-imac", username: "chen", macos: "13.6.9", cpu: "x86_64", goVersion: "go1.21.9", verdict: "plaintext", entries: 4_377, entryBytes: 52_000, keychainKey: false },
  { hostname: "dara-mbp", username: "dara", macos: "15.0.1", cpu: "arm64", goVersion: "go1.24.0", otherGo: "go1.23.4", verdict: "mixed", entries: 22_905, entryBytes: 64_000, keychainKey: true, tools: ["gopls", "golangci-lint"] },
  { hostname: "eli-mbp", username: "eli", macos: "14.7", cpu: "arm64", goUnderRosetta: true, goVersion: "go1.23.2", verdict: "plaintext", entries: 6_120, entryBytes: 55_000, keychainKey: false, tools: ["gopls"] },
  { hostname: "fay-studio", username: "fay", macos: "15.1", cpu: "arm64", goVersion: "go1.24.1", verdict: "encrypted", entries: 31_664, entryBytes: 70_000, keychainKey: true, goenvKeys: ["GOPRIVATE", "GOFLAGS"], tools: ["gopls", "buf", "mockgen"] },
  { hostname: "gus-mba", username: "gus", macos: "15.1", cpu: "arm64", goVersion: "go1.24.1", verdict: "empty", entries: 0, entryBytes: 0, keychainKey: true },
];

/** A team Mac's report when its cache holds `entries`: a mixed cache is 62% encrypted. */
function teamReport(mac: SimulatedMac, takenAt: Date, entries: number): AgentReport {
  const encrypted = mac.verdict === "encrypted" ? entries : mac.verdict === "mixed" ? Math.round(entries * 0.62) : 0;
  const report = agentReport({
    takenAt, hostname: mac.hostname, username: mac.username, osRelease: mac.macos.startsWith("15") ? "24.1.0" : mac.macos.startsWith("14") ? "23.6.0" : "22.6.0",
    appleSilicon: mac.cpu === "arm64", goUnderRosetta: mac.goUnderRosetta ?? false, macosVersion: mac.macos,
    goVersions: [mac.goVersion, ...(mac.otherGo ? [mac.otherGo] : [])], keychain: mac.keychainKey,
    plaintext: entries - encrypted, encrypted, entryBytes: mac.entryBytes,
  });
  const { persistence, tools, versionDrift } = report.probes;
  const home = `/Users/${mac.username}`;
  const goenvKeys = mac.goenvKeys ?? [];
  const toolNames = mac.tools ?? [];
  return {
    ...report,
    probes: {
      ...report.probes,
      persistence: persistence.status === "ok" ? { ...persistence, goenv: { status: "ok", file: `${home}/Library/Application Support/go/env`, exists: goenvKeys.length > 0, keys: goenvKeys } } : persistence,
      tools: tools.status === "ok"
        ? { ...tools, exists: toolNames.length > 0, total: toolNames.length, binaries: toolNames.map((name) => ({ kind: "go" as const, name, goVersion: mac.goVersion, path: null, module: null })) }
        : tools,
      // A Mac with a second toolchain switched to its current one twelve days ago, its old entries still there.
      versionDrift: versionDrift.status === "ok" && mac.otherGo
        ? { ...versionDrift, previousVersion: mac.otherGo, previousLastSeenAt: new Date(takenAt.getTime() - 12 * day).toISOString(), sharedAcrossVersions: entries > 0 }
        : versionDrift,
    },
  };
}

/**
 * Enrolls each Mac with the team's secret and sends `history` reports, one a day ending now, the
 * cache growing towards its final size, so charts over time have a slope.
 */
export async function reportTeam(server: string, enrollmentSecret: string, macs: SimulatedMac[] = teamMacs, history = 6): Promise<void> {
  const enroller = createAgentClient(server, "");
  for (const mac of macs) {
    const { token } = await enroller.agent.enroll.mutate({
      secret: enrollmentSecret,
      machine: { hostname: mac.hostname, username: mac.username, platform: "darwin", osRelease: "", arch: mac.cpu },
    });
    const agent = createAgentClient(server, token);
    const now = Date.now();
    for (let index = 0; index < history; index++) {
      const ago = history - 1 - index;
      const entries = Math.round(mac.entries * (0.55 + (0.45 * index) / Math.max(1, history - 1)));
      await agent.agent.report.mutate(teamReport(mac, new Date(now - ago * day - 60_000), entries));
    }
  }
}
