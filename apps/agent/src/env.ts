// The agent's environment, read and validated once; nothing else reads process.env.
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const AgentEnv = z.object({
  CACHEFLEET_AGENT_HOME: z.string().min(1).optional(),
  /** The go binary to run; by default found on PATH or in a standard install location. */
  CACHEFLEET_GO: z.string().min(1).optional(),
  PATH: z.string().optional(),
  CACHEFLEET_ENROLL_SECRET: z.string().min(1).optional(),
  /** The name the dashboard shows for this machine, instead of its hostname (VMs named "vm", twins). */
  CACHEFLEET_MACHINE_NAME: z.string().trim().min(1).max(255).optional(),
  /** Passed on to go as it is, and carried into the service `install` writes, so both see one cache. */
  GOCACHE: z.string().min(1).optional(),
  CACHEFLEET_REPORT_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  XDG_CONFIG_HOME: z.string().min(1).optional(),
  /** The developer's home: LaunchAgents, ~/sdk and the systemd user folder live below it. */
  HOME: z.string().min(1).optional(),
  /**
   * The time zone the OS applies to this process, when set. Any text: one the reports cannot use
   * is skipped there (machine.ts), never a reason for the agent not to start.
   */
  TZ: z.string().optional(),
  /** https://no-color.org: any non-empty value turns ANSI colors off. */
  NO_COLOR: z.string().optional(),
});
export type AgentEnv = z.infer<typeof AgentEnv>;

/** This process's environment as it started: what bin.ts hands runCli, which parses it (readAgentEnv). */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

export function readAgentEnv(source: NodeJS.ProcessEnv = process.env): AgentEnv {
  const parsed = AgentEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid agent environment: ${problems}`);
  }
  return parsed.data;
}

/** The developer's home folder: HOME, else the account's home from the OS. */
export function homeDir(env: AgentEnv): string {
  return path.resolve(env.HOME ?? os.homedir());
}

/** The per-user config folder on Linux (XDG), where systemd also looks for user units. */
export function xdgConfigHome(env: AgentEnv): string {
  return env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(homeDir(env), ".config");
}

/** Where the agent keeps its config and state: CACHEFLEET_AGENT_HOME, else the platform's config dir. */
export function agentHome(env: AgentEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.CACHEFLEET_AGENT_HOME) return path.resolve(env.CACHEFLEET_AGENT_HOME);
  if (platform === "darwin") return path.join(homeDir(env), "Library", "Application Support", "cachefleet");
  return path.join(xdgConfigHome(env), "cachefleet");
}
