// The only place the agent runs processes. Each allowlisted kind maps to a fixed argv, run through
// execa without a shell and with a timeout; no string from the server ever reaches an argv. The
// only variable parts are paths the agent found itself (a go binary, a file in GOBIN, its own
// plist) and the user's numeric uid.
import path from "node:path";
import { execa } from "execa";
import { GoEnv, agentLaunchLabel, keychainService } from "@cachefleet/contract";
import { isExecutableFile } from "./find-go.js";

/** The systemd user unit `cachefleet-agent install` writes on Linux. */
export const systemdUnitName = "cachefleet-agent.service";

/** `go` subcommands with no variable part. */
export const goCommands = {
  env: ["env", "-json"],
  cleanCache: ["clean", "-cache"],
  listStd: ["list", "std"],
  /** The GOCACHEPROG the go command will use (GOENV file or environment). */
  cacheProgSetting: ["env", "GOCACHEPROG"],
  /** Removes GOCACHEPROG from the GOENV file only; an environment variable stays the user's. */
  unsetCacheProg: ["env", "-u", "GOCACHEPROG"],
} as const satisfies Record<string, readonly string[]>;

export type GoCommandKind = keyof typeof goCommands;

/**
 * `go` invocations with one part the agent computed itself: the helper's command line (from its own
 * install path, never from the server) and the temp module of the verify step's probe build.
 */
export type GoVariableCommand =
  | { action: "set-cacheprog"; value: string }
  /** `go build -x ./...` in a module the agent wrote: -x lists every action that did not hit the cache. */
  | { action: "probe-build"; module: string };

/** The two Keychain items the key store keeps: the key, and a new key while a rotation runs. */
export const keyStoreServices = [keychainService, `${keychainService}.rotating`] as const;
export type KeyStoreService = (typeof keyStoreServices)[number];

/** System tools the agent may run, found by name on its tool search path. */
export type SystemTool = "uname" | "sysctl" | "sw_vers" | "security" | "launchctl" | "systemctl" | "ps" | "tmutil" | "mdutil" | "fdesetup" | "mount";

/** Every process the agent may start. */
export type Command =
  | { kind: "go"; go: string; action: GoCommandKind }
  | ({ kind: "go-variable"; go: string } & GoVariableCommand)
  | { kind: "go-version"; go: string }
  | { kind: "go-version-m"; go: string; file: string }
  | { kind: "uname-machine" }
  /** Every process's pid, uid and command name: to see whether a Go build is running. */
  | { kind: "ps-processes" }
  | { kind: "sysctl-arm64" }
  | { kind: "sysctl-translated" }
  | { kind: "sw-vers" }
  // Presence only: without -g or -w, `security` never prints the secret.
  | { kind: "keychain-item" }
  | { kind: "launchctl-print"; uid: number }
  | { kind: "launchctl-bootstrap"; uid: number; plist: string }
  | { kind: "launchctl-bootout"; uid: number }
  | { kind: "systemctl-daemon-reload" }
  | { kind: "systemctl-enable" }
  | { kind: "systemctl-restart" }
  | { kind: "systemctl-disable" }
  /**
   * Compiles the cache helper's Go source (written by the agent into its own folder) with the
   * machine's toolchain: GOENV=off and a private GOCACHE, so a configured GOCACHEPROG never takes
   * part in building the helper itself.
   */
  | { kind: "go-build-cacheprog"; go: string; source: string; output: string; buildCache: string; version: string }
  /** The compiled helper's -version: proves it runs. */
  | { kind: "cacheprog-version"; helper: string }
  /** The key item's attributes (account, dates): never the secret. */
  | { kind: "keychain-item-attributes"; service: KeyStoreService; account: string }
  /** The key store reading the key: the secret is on this process's stdout, never on an argv. */
  | { kind: "keychain-read-key"; service: KeyStoreService; account: string }
  /** Stores a key: `security -i` reads the command, secret included, from stdin. */
  | { kind: "keychain-write-key"; service: KeyStoreService; account: string; keyHex: string }
  | { kind: "keychain-delete-key"; service: KeyStoreService; account: string }
  // Placement probes and the exclude-from-backup remediation; `path` is GOCACHE from `go env`.
  | { kind: "mount-list" }
  | { kind: "tmutil-isexcluded"; path: string }
  | { kind: "tmutil-addexclusion"; path: string }
  | { kind: "mdutil-status"; volume: string }
  | { kind: "fdesetup-status" }
  /** `go env -w GOBIN=<path>`: the path is <GOPATH>/bin from the agent's own `go env`. */
  | { kind: "go-env-write-gobin"; go: string; gobin: string };

export type CommandKind = Command["kind"];

interface Invocation {
  /** A go binary, a program the agent built itself, or a system tool resolved on the search path. */
  program: { go: string } | { built: string } | { tool: SystemTool };
  args: string[];
  timeoutMs: number;
  /** Output the agent must not even hold in memory. */
  discardStdout?: true;
  /** Written to the process's stdin (secrets travel here, never on argv). */
  input?: string;
  /** Extra environment for this kind only. */
  env?: Record<string, string>;
  /** Working folder; the agent's own otherwise. */
  cwd?: string;
}

const probeTimeoutMs = 15_000;
const goBuildTimeoutMs = 10 * 60 * 1000;

/** An agent-found path: absolute, so it can never be read as an option. */
function foundPath(file: string): string {
  if (!path.isAbsolute(file)) throw new Error(`Refusing to pass a relative path to a command: ${JSON.stringify(file)}`);
  return file;
}

/** A GOCACHEPROG value: one line the go command splits into quoted fields. */
function cacheProgValue(value: string): string {
  if (value.length === 0 || value.length > 4096 || /[\0\r\n]/.test(value)) throw new Error("Refusing a GOCACHEPROG value that is empty, too long or spans lines.");
  return value;
}

/** A macOS short user name: the Keychain item's account. Also safe on a `security -i` line. */
function accountArg(account: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/.test(account)) throw new Error(`Not a user name: ${JSON.stringify(account)}`);
  return account;
}

function serviceArg(service: string): KeyStoreService {
  const known = keyStoreServices.find((candidate) => candidate === service);
  if (!known) throw new Error(`Not a key store item: ${JSON.stringify(service)}`);
  return known;
}

function keyHexArg(keyHex: string): string {
  if (!/^[0-9a-f]{64}$/.test(keyHex)) throw new Error("A cache key is 64 lowercase hex digits.");
  return keyHex;
}

function uidArg(uid: number): string {
  if (!Number.isInteger(uid) || uid < 0) throw new Error(`Not a uid: ${uid}`);
  return String(uid);
}

/** The fixed argv of each kind. Exported for tests and for printing the exact commands to a user. */
export function invocationOf(command: Command): Invocation {
  switch (command.kind) {
    case "go":
      return { program: { go: command.go }, args: [...goCommands[command.action]], timeoutMs: command.action === "env" ? probeTimeoutMs * 4 : goBuildTimeoutMs };
    case "go-variable":
      if (command.action === "set-cacheprog") {
        return { program: { go: command.go }, args: ["env", "-w", `GOCACHEPROG=${cacheProgValue(command.value)}`], timeoutMs: probeTimeoutMs * 4 };
      }
      return {
        program: { go: command.go },
        args: ["build", "-x", "./..."],
        timeoutMs: goBuildTimeoutMs,
        cwd: foundPath(command.module),
        env: { GOWORK: "off", GOFLAGS: "" },
      };
    case "go-version":
      return { program: { go: command.go }, args: ["version"], timeoutMs: probeTimeoutMs * 4 };
    case "go-version-m":
      return { program: { go: command.go }, args: ["version", "-m", foundPath(command.file)], timeoutMs: probeTimeoutMs * 4 };
    case "ps-processes":
      return { program: { tool: "ps" }, args: ["-A", "-o", "pid=,ppid=,uid=,comm="], timeoutMs: probeTimeoutMs };
    case "uname-machine":
      return { program: { tool: "uname" }, args: ["-m"], timeoutMs: probeTimeoutMs };
    case "sysctl-arm64":
      return { program: { tool: "sysctl" }, args: ["-n", "hw.optional.arm64"], timeoutMs: probeTimeoutMs };
    case "sysctl-translated":
      return { program: { tool: "sysctl" }, args: ["-n", "sysctl.proc_translated"], timeoutMs: probeTimeoutMs };
    case "sw-vers":
      return { program: { tool: "sw_vers" }, args: [], timeoutMs: probeTimeoutMs };
    case "keychain-item":
      // The item's attributes (account name, dates) are not ours to keep: only the exit code is read.
      return { program: { tool: "security" }, args: ["find-generic-password", "-s", keychainService], timeoutMs: probeTimeoutMs, discardStdout: true };
    case "launchctl-print":
      return { program: { tool: "launchctl" }, args: ["print", `gui/${uidArg(command.uid)}/${agentLaunchLabel}`], timeoutMs: probeTimeoutMs };
    case "launchctl-bootstrap":
      return { program: { tool: "launchctl" }, args: ["bootstrap", `gui/${uidArg(command.uid)}`, foundPath(command.plist)], timeoutMs: probeTimeoutMs * 2 };
    case "launchctl-bootout":
      return { program: { tool: "launchctl" }, args: ["bootout", `gui/${uidArg(command.uid)}/${agentLaunchLabel}`], timeoutMs: probeTimeoutMs * 2 };
    case "systemctl-daemon-reload":
      return { program: { tool: "systemctl" }, args: ["--user", "daemon-reload"], timeoutMs: probeTimeoutMs * 2 };
    case "systemctl-enable":
      return { program: { tool: "systemctl" }, args: ["--user", "enable", "--now", systemdUnitName], timeoutMs: probeTimeoutMs * 2 };
    case "systemctl-restart":
      return { program: { tool: "systemctl" }, args: ["--user", "restart", systemdUnitName], timeoutMs: probeTimeoutMs * 2 };
    case "systemctl-disable":
      return { program: { tool: "systemctl" }, args: ["--user", "disable", "--now", systemdUnitName], timeoutMs: probeTimeoutMs * 2 };
    case "go-build-cacheprog": {
      if (!/^[\w.+-]{1,64}$/.test(command.version)) throw new Error(`Not a helper version: ${JSON.stringify(command.version)}`);
      const output = foundPath(command.output);
      return {
        program: { go: command.go },
        args: ["build", "-trimpath", "-ldflags", `-s -w -X main.helperVersion=${command.version}`, "-o", output, foundPath(command.source)],
        timeoutMs: goBuildTimeoutMs,
        cwd: path.dirname(output),
        env: {
          GOENV: "off",
          GOCACHE: foundPath(command.buildCache),
          GOCACHEPROG: "",
          GOFLAGS: "",
          GOOS: "",
          GOARCH: "",
          GOTOOLCHAIN: "local",
          GOPROXY: "off",
          CGO_ENABLED: "0",
        },
      };
    }
    case "cacheprog-version":
      return { program: { built: foundPath(command.helper) }, args: ["-version"], timeoutMs: probeTimeoutMs };
    case "keychain-item-attributes":
      return { program: { tool: "security" }, args: ["find-generic-password", "-s", serviceArg(command.service), "-a", accountArg(command.account)], timeoutMs: probeTimeoutMs };
    case "keychain-read-key":
      return { program: { tool: "security" }, args: ["find-generic-password", "-s", serviceArg(command.service), "-a", accountArg(command.account), "-w"], timeoutMs: probeTimeoutMs };
    case "keychain-write-key":
      return {
        program: { tool: "security" },
        args: ["-i"],
        input: `add-generic-password -s ${serviceArg(command.service)} -a ${accountArg(command.account)} -w ${keyHexArg(command.keyHex)}\n`,
        timeoutMs: probeTimeoutMs,
      };
    case "keychain-delete-key":
      return { program: { tool: "security" }, args: ["delete-generic-password", "-s", serviceArg(command.service), "-a", accountArg(command.account)], timeoutMs: probeTimeoutMs, discardStdout: true };
    case "mount-list":
      return { program: { tool: "mount" }, args: [], timeoutMs: probeTimeoutMs };
    case "tmutil-isexcluded":
      return { program: { tool: "tmutil" }, args: ["isexcluded", foundPath(command.path)], timeoutMs: probeTimeoutMs };
    case "tmutil-addexclusion":
      // Without -p: a sticky exclusion kept in the folder's own attributes, which needs no root.
      return { program: { tool: "tmutil" }, args: ["addexclusion", foundPath(command.path)], timeoutMs: probeTimeoutMs };
    case "mdutil-status":
      return { program: { tool: "mdutil" }, args: ["-s", foundPath(command.volume)], timeoutMs: probeTimeoutMs };
    case "go-env-write-gobin":
      return { program: { go: command.go }, args: ["env", "-w", `GOBIN=${foundPath(command.gobin)}`], timeoutMs: probeTimeoutMs * 4 };
    case "fdesetup-status":
      return { program: { tool: "fdesetup" }, args: ["status"], timeoutMs: probeTimeoutMs };
  }
}

/** The command as a user would type it, for messages ("run this yourself"). */
export function displayCommand(command: Command): string {
  const invocation = invocationOf(command);
  const program = "go" in invocation.program ? invocation.program.go : "built" in invocation.program ? invocation.program.built : invocation.program.tool;
  return [program, ...invocation.args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", "'\\''")}'`)).join(" ");
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The program could not be started at all (missing, not executable) or was killed by the timeout. */
export class CommandNotRun extends Error {}

export interface CommandRunner {
  /** `signal` stops the process (a command's time limit); the run then throws CommandNotRun. */
  run(command: Command, onLine?: (line: string) => void, signal?: AbortSignal): Promise<RunResult>;
}

export interface CommandRunnerOptions {
  /** Folders searched for system tools, in order. */
  toolPath: readonly string[];
  /** Extra environment for children (tests select stand-in behaviour with it). */
  env?: Record<string, string>;
  /** Overrides every kind's timeout (tests). */
  timeoutMs?: number;
}


/** The search path for system tools: the agent's PATH, then the folders macOS and Linux keep them in. */
export function defaultToolPath(searchPath: string | undefined): string[] {
  const dirs = (searchPath ?? "").split(path.delimiter).filter((dir) => path.isAbsolute(dir));
  return [...new Set([...dirs, "/usr/bin", "/bin", "/usr/sbin", "/sbin"])];
}

export function resolveTool(tool: SystemTool, toolPath: readonly string[]): string | null {
  for (const dir of toolPath) {
    const candidate = path.join(dir, tool);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export function createCommandRunner(options: CommandRunnerOptions): CommandRunner {
  return {
    async run(command, onLine, signal) {
      const invocation = invocationOf(command);
      let program: string;
      if ("go" in invocation.program) {
        program = invocation.program.go;
      } else if ("built" in invocation.program) {
        program = invocation.program.built;
      } else {
        const resolved = resolveTool(invocation.program.tool, options.toolPath);
        if (!resolved) throw new CommandNotRun(`${invocation.program.tool} was not found (looked in ${options.toolPath.join(", ")}).`);
        program = resolved;
      }
      const child = execa(program, invocation.args, {
        reject: false,
        shell: false,
        ...(invocation.input === undefined ? { stdin: "ignore" as const } : { input: invocation.input }),
        ...(invocation.cwd === undefined ? {} : { cwd: invocation.cwd }),
        stdout: invocation.discardStdout ? "ignore" : "pipe",
        timeout: options.timeoutMs ?? invocation.timeoutMs,
        lines: false,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...options.env, ...invocation.env },
        ...(signal ? { cancelSignal: signal } : {}),
      });
      if (onLine) {
        for (const stream of [child.stdout, child.stderr]) {
          let pending = "";
          stream?.on("data", (chunk: Buffer) => {
            pending += chunk.toString();
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) onLine(line);
          });
          stream?.on("end", () => {
            if (pending) onLine(pending);
          });
        }
      }
      const result = await child;
      if (result.failed && (result.exitCode === undefined || result.timedOut || result.isCanceled)) {
        throw new CommandNotRun(result.shortMessage);
      }
      return { exitCode: result.exitCode ?? 1, stdout: result.stdout === undefined ? "" : String(result.stdout), stderr: String(result.stderr) };
    },
  };
}

// The go binary the agent runs, bound once -------------------------------------------------------

export interface GoRunner {
  /** The go binary: a path the agent found, or "go" when it found none. */
  readonly binary: string;
  run(kind: GoCommandKind, onLine?: (line: string) => void, signal?: AbortSignal): Promise<RunResult>;
  /** The invocations with an agent-computed part (see GoVariableCommand). */
  runVariable(command: GoVariableCommand, onLine?: (line: string) => void, signal?: AbortSignal): Promise<RunResult>;
}

export class GoCommandError extends Error {
  constructor(
    readonly kind: GoCommandKind | GoVariableCommand["action"],
    readonly result: RunResult,
  ) {
    const shown = kind === "set-cacheprog" ? "env -w GOCACHEPROG=…" : kind === "probe-build" ? "build -x ./..." : goCommands[kind].join(" ");
    super(`go ${shown} exited ${result.exitCode}: ${tail(result.stderr || result.stdout, 2000)}`);
  }
}

export function tail(text: string, maxChars: number): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= maxChars ? trimmed : `…${trimmed.slice(-maxChars)}`;
}

export function createGoRunner(goBinary: string, runner: CommandRunner = createCommandRunner({ toolPath: [] })): GoRunner {
  return {
    binary: goBinary,
    run: (action, onLine, signal) => runner.run({ kind: "go", go: goBinary, action }, onLine, signal),
    runVariable: (command, onLine, signal) => runner.run({ kind: "go-variable", go: goBinary, ...command }, onLine, signal),
  };
}

/** `go env GOCACHEPROG`: the helper command line the go command will run, "" for Go's disk cache. */
export async function readCacheProgSetting(runner: GoRunner, signal?: AbortSignal): Promise<string> {
  const result = await runner.run("cacheProgSetting", undefined, signal);
  if (result.exitCode !== 0) throw new GoCommandError("cacheProgSetting", result);
  return result.stdout.trim();
}

/** `go env -json`, validated. */
export async function readGoEnv(runner: GoRunner): Promise<GoEnv> {
  const result = await runner.run("env");
  if (result.exitCode !== 0) throw new GoCommandError("env", result);
  return GoEnv.parse(JSON.parse(result.stdout));
}
