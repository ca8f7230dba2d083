// Every command of `cachefleet-agent`: its name, what it does, how to call it, its options, whether
// it may change anything on this machine, and where its handler lives. Handlers load on demand, so
// `help` and a mistyped option cost no more than this table, and the long-running `run` carries no
// code it never calls.
import type { AgentEnv } from "../env.js";

export interface OptionSpec {
  type: "boolean" | "string";
  /** Shown in the command's help after the option's name. */
  placeholder?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

/** What a handler receives: the parsed options, the validated environment and the bundle's path. */
export interface CommandCall {
  name: string;
  values: OptionValues;
  env: AgentEnv;
  /** True for commands that must leave this machine as they found it (see `readOnly`). */
  readOnly: boolean;
  /** The agent's own entry file (dist/cli.js), which `install` points the service at. */
  entryFile: string;
}

/** A command's work; resolves to the exit code. */
export type CommandHandler = (call: CommandCall) => Promise<number>;

export interface CommandSpec {
  name: string;
  summary: string;
  /** Arguments after the name, for the usage line, e.g. "[--json] [--gocache DIR]". */
  usage: string;
  /** Paragraphs of help beyond the summary. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Writes nothing on this machine: no agent state, no cache, no service, no config. */
  readOnly: boolean;
  load: () => Promise<CommandHandler>;
}

const planOptions = {
  "no-backup": { type: "boolean", description: "skip the backup (the cache is emptied without a copy)" },
  yes: { type: "boolean", description: "do not ask for confirmation (needed without a terminal)" },
} satisfies Record<string, OptionSpec>;

export const commands: readonly CommandSpec[] = [
  {
    name: "scan",
    summary: "classify every GOCACHE entry and print totals",
    usage: "[--json] [--gocache DIR]",
    options: {
      json: { type: "boolean", description: "print the full summary as JSON" },
      gocache: { type: "string", placeholder: "DIR", description: "scan DIR instead of `go env GOCACHE`" },
    },
    readOnly: true,
    load: async () => (await import("./commands/scan.js")).scan,
  },
  {
    name: "enroll",
    summary: "trade an enrollment secret for this agent's token",
    usage: "--server URL [--secret S]",
    details: "The secret may come from CACHEFLEET_ENROLL_SECRET instead of --secret, which keeps it off the command line (`ps` shows argv).",
    options: {
      server: { type: "string", placeholder: "URL", description: "the dashboard's address" },
      secret: { type: "string", placeholder: "S", description: "the enrollment secret shown on the dashboard's Enroll page" },
    },
    readOnly: false,
    load: async () => (await import("./commands/enroll.js")).enroll,
  },
  {
    name: "run",
    summary: "report, then heartbeat and run pushed commands until stopped",
    usage: "[--interval SECONDS]",
    details: "Sends a full report at once, then a heartbeat every interval and a full report only when something changed; runs the commands the dashboard pushes. `install` starts it at login.",
    options: {
      interval: { type: "string", placeholder: "SECONDS", description: "between heartbeats (default 60, or CACHEFLEET_REPORT_INTERVAL_SECONDS)" },
    },
    readOnly: false,
    load: async () => (await import("./commands/run.js")).run,
  },
  {
    name: "status",
    summary: "this machine's facts and health verdict, the cache backend and its hit rate",
    usage: "[--json]",
    details: "Judged by the team's policy when this agent is enrolled and the dashboard answers, else by the defaults. Changes nothing on this machine.",
    options: { json: { type: "boolean", description: "print the report, findings and policy as JSON" } },
    readOnly: true,
    load: async () => (await import("./commands/status.js")).status,
  },
  {
    name: "migrate",
    summary: "back up, clean, switch to the encrypted cache (Go 1.24+), rebuild and verify",
    usage: "[--no-backup] [--yes]",
    details: "Runs the same plan the dashboard pushes, step by step: backup, clean, enable, reinit, verify. A failed step stops the plan and leaves the backup in place.",
    options: planOptions,
    readOnly: false,
    load: async () => (await import("./commands/plan.js")).plan,
  },
  {
    name: "disable",
    summary: "switch back to Go's own disk cache and clean it",
    usage: "[--no-backup] [--yes]",
    options: planOptions,
    readOnly: false,
    load: async () => (await import("./commands/plan.js")).plan,
  },
  {
    name: "install",
    summary: "run the agent at login (LaunchAgent on macOS, systemd user unit on Linux)",
    usage: "",
    details: "The service carries CACHEFLEET_MACHINE_NAME, CACHEFLEET_GO, GOCACHE and the folder of the go this shell found.",
    options: {},
    readOnly: false,
    load: async () => (await import("./commands/service.js")).service,
  },
  {
    name: "uninstall",
    summary: "stop running the agent at login and remove its service file",
    usage: "",
    options: {},
    readOnly: false,
    load: async () => (await import("./commands/service.js")).service,
  },
  {
    name: "cacheprog",
    summary: "compile the encrypted cache helper if needed and print its GOCACHEPROG value",
    usage: "[--stats]",
    options: { stats: { type: "boolean", description: "print the helper's hit counts for this GOCACHE instead (changes nothing)" } },
    readOnly: false,
    load: async () => (await import("./commands/cacheprog.js")).cacheprog,
  },
  {
    name: "rotate-key",
    summary: "seal the encrypted cache again under a new key",
    usage: "",
    options: {},
    readOnly: false,
    load: async () => (await import("./commands/cacheprog.js")).rotateKey,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return commands.find((command) => command.name === name);
}
