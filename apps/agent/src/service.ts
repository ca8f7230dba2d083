// `cachefleet-agent install` / `uninstall`: run the agent at login as a LaunchAgent on macOS or a
// systemd user unit on Linux. Both are idempotent, and when the service manager cannot be reached
// the file stays in place and the exact commands to finish by hand are printed.
import fs from "node:fs";
import path from "node:path";
import { agentLaunchLabel } from "@cachefleet/contract";
import { CommandNotRun, displayCommand, systemdUnitName, type Command, type CommandRunner } from "./commands.js";
import { daemonCommandLine, daemonEnvironment } from "./launch.js";
import { renderPlist } from "./plist.js";
import { errorMessage } from "./probes/answer.js";

export interface ServiceContext {
  platform: NodeJS.Platform;
  /** The developer's home (LaunchAgents live below it). */
  home: string;
  /** XDG config home (systemd user units live below it). */
  configHome: string;
  agentHome: string;
  /** The Node binary and the agent's own cli.js: what the service runs. */
  nodePath: string;
  cliPath: string;
  /** The go binary the agent found; its folder goes on the service's PATH. */
  goBinary: string | null;
  /** The PATH `install` ran with: its absolute folders follow go's on the service's PATH. */
  pathDirs: string[];
  /**
   * Settings of the installing shell that change what the agent sees (its name, its go, its cache):
   * launchd and systemd start with almost no environment, so the service carries them.
   */
  carriedEnv: Partial<Record<CarriedVariable, string>>;
  uid: number | null;
  commands: CommandRunner;
}

export const carriedVariables = ["CACHEFLEET_MACHINE_NAME", "CACHEFLEET_GO", "GOCACHE"] as const;
export type CarriedVariable = (typeof carriedVariables)[number];

export interface ServiceOutcome {
  /** False when the service is not (or no longer) running as asked and the user must act. */
  ok: boolean;
  lines: string[];
}

export function launchAgentPath(home: string): string {
  return path.join(home, "Library", "LaunchAgents", `${agentLaunchLabel}.plist`);
}

export function systemdUnitPath(configHome: string): string {
  return path.join(configHome, "systemd", "user", systemdUnitName);
}

/**
 * The service's PATH (launchd and systemd start with a bare one): the go binary's folder first, then
 * the absolute folders of the PATH `install` ran with (where go's tools and the user's own live),
 * then the system's.
 */
export function servicePath(context: Pick<ServiceContext, "goBinary" | "platform" | "pathDirs">): string {
  const dirs = [
    ...(context.goBinary && path.isAbsolute(context.goBinary) ? [path.dirname(context.goBinary)] : []),
    ...context.pathDirs.filter((dir) => path.isAbsolute(dir) && !/[\n\r:]/.test(dir)),
    ...(context.platform === "darwin" ? ["/opt/homebrew/bin"] : []),
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
    "/usr/sbin",
    "/sbin",
  ];
  return [...new Set(dirs)].join(":");
}

function definedCarriedEnv(context: Pick<ServiceContext, "carriedEnv">): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const name of carriedVariables) {
    const value = context.carriedEnv[name];
    if (value !== undefined && value !== "") carried[name] = value;
  }
  return carried;
}

function logsDir(agentHome: string): string {
  return path.join(agentHome, "logs");
}

export function launchAgentPlist(context: ServiceContext): string {
  const logs = logsDir(context.agentHome);
  return renderPlist({
    Label: agentLaunchLabel,
    ProgramArguments: daemonCommandLine(context.nodePath, context.cliPath),
    RunAtLoad: true,
    KeepAlive: true,
    StandardOutPath: path.join(logs, "agent.log"),
    StandardErrorPath: path.join(logs, "agent.err.log"),
    EnvironmentVariables: {
      ...definedCarriedEnv(context),
      CACHEFLEET_AGENT_HOME: context.agentHome,
      PATH: servicePath(context),
    },
  });
}

/** A systemd unit-file word in double quotes: `\` and `"` escaped, `%` specifiers and `$` expansion disarmed. */
function systemdQuote(word: string, dollar: boolean): string {
  if (/[\n\r]/.test(word)) throw new Error(`A line break cannot go into a systemd unit: ${JSON.stringify(word)}`);
  let escaped = word.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%");
  if (dollar) escaped = escaped.replaceAll("$", "$$$$");
  return `"${escaped}"`;
}

export function systemdUnit(context: ServiceContext): string {
  const execStart = daemonCommandLine(context.nodePath, context.cliPath).map((word) => systemdQuote(word, true)).join(" ");
  return [
    "# Written by `cachefleet-agent install`; `cachefleet-agent uninstall` removes it.",
    "[Unit]",
    "Description=cachefleet agent: reports this machine's Go build cache health",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${execStart}`,
    "Restart=always",
    "RestartSec=10",
    ...Object.entries({ ...daemonEnvironment("linux"), ...definedCarriedEnv(context) }).map(([name, value]) => `Environment=${systemdQuote(`${name}=${value}`, false)}`),
    `Environment=${systemdQuote(`CACHEFLEET_AGENT_HOME=${context.agentHome}`, false)}`,
    `Environment=${systemdQuote(`PATH=${servicePath(context)}`, false)}`,
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** Writes `content` to `file` unless it already holds it; returns whether it changed. */
function writeIfChanged(file: string, content: string): boolean {
  if (readOrNull(file) === content) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  // launchd refuses plists writable by group or others; 0644 suits both managers.
  fs.writeFileSync(temporary, content, { mode: 0o644 });
  fs.chmodSync(temporary, 0o644);
  fs.renameSync(temporary, file);
  return true;
}

type Attempt = { ok: true; exitCode: number } | { ok: false; problem: string };

async function attempt(commands: CommandRunner, command: Command, acceptExitCodes: readonly number[] = [0]): Promise<Attempt> {
  try {
    const result = await commands.run(command);
    if (acceptExitCodes.includes(result.exitCode)) return { ok: true, exitCode: result.exitCode };
    return { ok: false, problem: `\`${displayCommand(command)}\` exited ${result.exitCode}: ${(result.stderr || result.stdout).trim() || "(no message)"}` };
  } catch (error) {
    return { ok: false, problem: error instanceof CommandNotRun ? error.message : `\`${displayCommand(command)}\` failed: ${errorMessage(error)}` };
  }
}

/** `launchctl print` exits 0 for a loaded service and 113 ("Could not find service") otherwise. */
async function launchAgentLoaded(commands: CommandRunner, uid: number): Promise<boolean | string> {
  const printed = await attempt(commands, { kind: "launchctl-print", uid }, [0, 113]);
  return printed.ok ? printed.exitCode === 0 : printed.problem;
}

async function installLaunchAgent(context: ServiceContext, uid: number): Promise<ServiceOutcome> {
  const file = launchAgentPath(context.home);
  fs.mkdirSync(logsDir(context.agentHome), { recursive: true, mode: 0o700 });
  const changed = writeIfChanged(file, launchAgentPlist(context));
  const lines = [changed ? `Wrote ${file}.` : `${file} is already up to date.`];
  const bootstrap: Command = { kind: "launchctl-bootstrap", uid, plist: file };
  const byHand = (problem: string): ServiceOutcome => ({
    ok: false,
    lines: [...lines, `Could not load it: ${problem}`, "The plist stays in place; load it yourself with:", `  ${displayCommand(bootstrap)}`],
  });

  const loaded = await launchAgentLoaded(context.commands, uid);
  if (typeof loaded === "string") return byHand(loaded);
  if (loaded && !changed) return { ok: true, lines: [...lines, `The agent is already loaded as ${agentLaunchLabel}; nothing to do.`] };
  if (loaded) {
    // A loaded job keeps its old definition until it is booted out and bootstrapped again.
    const bootout = await attempt(context.commands, { kind: "launchctl-bootout", uid });
    if (!bootout.ok) return byHand(bootout.problem);
    lines.push(`Unloaded the previous ${agentLaunchLabel}.`);
  }
  const loadedNow = await attempt(context.commands, bootstrap);
  if (!loadedNow.ok) return byHand(loadedNow.problem);
  lines.push(`Loaded ${agentLaunchLabel}: the agent runs now and at every login. Logs: ${logsDir(context.agentHome)}.`);
  return { ok: true, lines };
}

async function uninstallLaunchAgent(context: ServiceContext, uid: number): Promise<ServiceOutcome> {
  const file = launchAgentPath(context.home);
  const lines: string[] = [];
  let ok = true;
  const loaded = await launchAgentLoaded(context.commands, uid);
  const bootout: Command = { kind: "launchctl-bootout", uid };
  if (typeof loaded === "string") {
    ok = false;
    lines.push(`Could not ask launchd whether the agent is loaded: ${loaded}`, `If it is, unload it with:\n  ${displayCommand(bootout)}`);
  } else if (loaded) {
    const result = await attempt(context.commands, bootout);
    if (result.ok) lines.push(`Unloaded ${agentLaunchLabel}.`);
    else {
      ok = false;
      lines.push(`Could not unload it: ${result.problem}`, `Unload it yourself with:\n  ${displayCommand(bootout)}`);
    }
  }
  if (fs.existsSync(file)) {
    fs.rmSync(file, { force: true });
    lines.push(`Removed ${file}.`);
  }
  if (lines.length === 0) lines.push("The agent was not installed; nothing to do.");
  return { ok, lines };
}

async function installSystemdUnit(context: ServiceContext): Promise<ServiceOutcome> {
  const file = systemdUnitPath(context.configHome);
  const existed = fs.existsSync(file);
  const changed = writeIfChanged(file, systemdUnit(context));
  const lines = [changed ? `Wrote ${file}.` : `${file} is already up to date.`];
  const steps: Command[] = [{ kind: "systemctl-daemon-reload" }, { kind: "systemctl-enable" }];
  // `enable --now` leaves a running service on its old definition.
  if (changed && existed) steps.push({ kind: "systemctl-restart" });
  for (const [index, step] of steps.entries()) {
    const result = await attempt(context.commands, step);
    if (!result.ok) {
      return {
        ok: false,
        lines: [
          ...lines,
          `Could not enable it: ${result.problem}`,
          "The unit file stays in place. In a session with a systemd user manager, run:",
          ...steps.slice(index).map((remaining) => `  ${displayCommand(remaining)}`),
        ],
      };
    }
  }
  lines.push(`Enabled and started ${systemdUnitName}: the agent runs now and at every login. Logs: journalctl --user -u ${systemdUnitName}.`);
  return { ok: true, lines };
}

async function uninstallSystemdUnit(context: ServiceContext): Promise<ServiceOutcome> {
  const file = systemdUnitPath(context.configHome);
  if (!fs.existsSync(file)) return { ok: true, lines: ["The agent was not installed; nothing to do."] };
  const lines: string[] = [];
  let ok = true;
  const disable: Command = { kind: "systemctl-disable" };
  const disabled = await attempt(context.commands, disable);
  if (disabled.ok) lines.push(`Stopped and disabled ${systemdUnitName}.`);
  else {
    ok = false;
    lines.push(`Could not stop it: ${disabled.problem}`, `If it still runs, stop it with:\n  ${displayCommand(disable)}`);
  }
  fs.rmSync(file, { force: true });
  lines.push(`Removed ${file}.`);
  const reload = await attempt(context.commands, { kind: "systemctl-daemon-reload" });
  if (!reload.ok && disabled.ok) lines.push(`Could not reload systemd: ${reload.problem}`);
  return { ok, lines };
}

function requireUid(context: ServiceContext): number {
  if (context.uid === null) throw new Error("This platform has no user id; LaunchAgents need one.");
  return context.uid;
}

export async function installService(context: ServiceContext): Promise<ServiceOutcome> {
  if (context.platform === "darwin") return installLaunchAgent(context, requireUid(context));
  if (context.platform === "linux") return installSystemdUnit(context);
  return { ok: false, lines: [`Installing a service is supported on macOS and Linux, not ${context.platform}.`] };
}

export async function uninstallService(context: ServiceContext): Promise<ServiceOutcome> {
  if (context.platform === "darwin") return uninstallLaunchAgent(context, requireUid(context));
  if (context.platform === "linux") return uninstallSystemdUnit(context);
  return { ok: false, lines: [`Installing a service is supported on macOS and Linux, not ${context.platform}.`] };
}
