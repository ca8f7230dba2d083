// A real agent as a separate process that a test can stop, kill and start again: enrolled once
// against a dashboard, with its own GOCACHE, name and go binary.
import fs from "node:fs";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { repositoryRoot } from "@cachefleet/db/layout";
import { go122, goEnvironment } from "./go-cache.js";

const agentCli = path.join(repositoryRoot, "apps/agent/dist/cli.js");

export interface AgentOptions {
  /** The machine name the dashboard shows. */
  name: string;
  /** A folder holding (or to hold) this agent's go-build cache and GOPATH. */
  goRoot: string;
  goBinary?: string;
  /** The agent's bundled CLI to run; default: this checkout's apps/agent/dist/cli.js. */
  cli?: string;
  /** The IANA time zone the agent runs in (TZ), and so reports; default: this process's. */
  timeZone?: string;
}

export class AgentProcess {
  #child: ResultPromise | null = null;
  #output = "";

  private constructor(
    readonly home: string,
    readonly gocache: string,
    private readonly env: Record<string, string>,
    private readonly cliPath: string = agentCli,
  ) {}

  static async enroll(server: string, secret: string, options: AgentOptions): Promise<AgentProcess> {
    const home = path.join(options.goRoot, "agent-home");
    const goEnv = goEnvironment(options.goRoot);
    const env = { ...goEnv, CACHEFLEET_AGENT_HOME: home, CACHEFLEET_GO: options.goBinary ?? go122, CACHEFLEET_MACHINE_NAME: options.name, ...(options.timeZone ? { TZ: options.timeZone } : {}) };
    const cli = options.cli ?? agentCli;
    // The secret in the environment, as the Enrollment page tells people to: never on argv.
    await execa(process.execPath, [cli, "enroll", "--server", server], { env: { ...env, CACHEFLEET_ENROLL_SECRET: secret } });
    return new AgentProcess(home, goEnv.GOCACHE, env, cli);
  }

  start(): void {
    if (this.#child) throw new Error("the agent is already running");
    // Its own process group, so kill() can take the agent's children down with it.
    const child = execa(process.execPath, [this.cliPath, "run", "--interval", "5"], { env: this.env, reject: false, all: true, detached: true });
    child.all?.on("data", (chunk: Buffer) => {
      this.#output += chunk.toString();
    });
    this.#child = child;
  }

  /**
   * SIGKILL to the agent and the go it runs: no chance to clean up, like a crash or a power cut.
   * (A surviving go child would later count as a Go build in progress for the next test.)
   */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child?.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    await child;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child && child.exitCode === null) child.kill("SIGTERM");
    await child;
  }

  output(): string {
    return this.#output;
  }

  /**
   * Runs one CLI command of this agent (e.g. ["status", "--json"]) and resolves to its stdout;
   * `env` overrides some of its variables for this command only (e.g. another GOCACHE).
   */
  async cli(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
    const { stdout } = await execa(process.execPath, [this.cliPath, ...args], { env: { ...this.env, ...env } });
    return stdout;
  }
}

/** A go that waits before `go list std`, so a test can act while a migration is in that step. */
export function slowReinitGo(dir: string, seconds: number, goBinary: string = go122): string {
  const file = path.join(dir, `go-slow-list-${path.basename(path.dirname(path.dirname(goBinary)))}`);
  fs.writeFileSync(file, `#!/bin/sh\nif [ "$1" = "list" ]; then sleep ${seconds}; fi\nexec ${goBinary} "$@"\n`, { mode: 0o755 });
  return file;
}

/** Polls until `check` returns a value, or fails with what it last saw. */
export async function waitFor<T>(what: string, check: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
