// argv → behaviour, on the real bundle (built once into a temp folder by build.mjs) run as its own
// process: exit codes, what goes to stdout and stderr, per-command help, and that read-only
// commands leave the agent's files as they were. Go 1.22 is real; nothing here needs a dashboard.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHelp } from "./cli/help.js";
import { commands } from "./cli/table.js";

const go = "/usr/lib/go-1.22/bin/go";
const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let workDir: string;
let cli: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-cli-"));
  const outdir = path.join(workDir, "dist");
  execFileSync(process.execPath, ["build.mjs", outdir], { cwd: packageDir, stdio: "pipe" });
  cli = path.join(outdir, "cli.js");
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The agent with only the environment given (plus PATH), in a home of its own. */
function agent(args: string[], env: NodeJS.ProcessEnv = {}): Outcome {
  const home = path.join(workDir, "home");
  const result = spawnSync(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH, HOME: home, CACHEFLEET_AGENT_HOME: path.join(home, "agent"), ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("help", () => {
  it.each([["help"], ["--help"], ["-h"]])("`%s` prints every command on stdout and exits 0", (word) => {
    const { code, stdout, stderr } = agent([word]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const command of commands) expect(stdout).toMatch(new RegExp(`^  ${command.name} +${command.summary.replace(/[()+.]/g, "\\$&")}$`, "m"));
  });

  it("prints the same help for `help migrate` and `migrate --help`: its usage and every option", () => {
    const byHelp = agent(["help", "migrate"]);
    const byFlag = agent(["migrate", "--help"]);
    expect(byHelp.code).toBe(0);
    expect(byFlag).toEqual(byHelp);
    expect(byHelp.stdout).toContain("Usage: cachefleet-agent migrate [--no-backup] [--yes]");
    expect(byHelp.stdout).toMatch(/^ {2}--no-backup +skip the backup/m);
    expect(byHelp.stdout).toMatch(/^ {2}--yes +do not ask for confirmation/m);
  });

  it("says which commands change nothing on this machine", () => {
    expect(agent(["status", "-h"]).stdout).toContain("Read-only: changes nothing on this machine.");
    expect(agent(["install", "--help"]).stdout).not.toContain("Read-only");
  });

  it("needs no usable environment: help never reads it, a command does", () => {
    const broken = { CACHEFLEET_REPORT_INTERVAL_SECONDS: "often" };
    expect(agent(["help"], broken).code).toBe(0);
    expect(agent(["status", "--help"], broken).code).toBe(0);
    const status = agent(["status"], broken);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/^cachefleet-agent: Invalid agent environment: CACHEFLEET_REPORT_INTERVAL_SECONDS/);
  });

  it("documents each command's options in its help (from the command table)", () => {
    for (const command of commands) {
      const help = commandHelp(command);
      for (const name of Object.keys(command.options)) expect(help).toContain(`--${name}`);
      expect(help).toContain(`cachefleet-agent ${command.name}`);
    }
  });
});

describe("usage errors exit 2 with the usage on stderr", () => {
  it.each<[string, string[], RegExp, string]>([
    ["no command", [], /^No command given\.\n/, "Usage: cachefleet-agent <command> [options]"],
    ["an unknown command", ["frob"], /^Unknown command "frob"\.\n/, "Usage: cachefleet-agent <command> [options]"],
    ["help for an unknown command", ["help", "frob"], /^Unknown command "frob"\.\n/, "Usage: cachefleet-agent <command> [options]"],
    ["an unknown option", ["migrate", "--bogus"], /^Unknown option "--bogus" for migrate\.\n/, "Usage: cachefleet-agent migrate [--no-backup] [--yes]"],
    ["an unknown short option", ["status", "-x"], /^Unknown option "-x" for status\.\n/, "Usage: cachefleet-agent status [--json]"],
    ["a missing option value", ["enroll", "--server"], /^--server needs a value\.\n/, "Usage: cachefleet-agent enroll --server URL [--secret S]"],
    ["a value given to a flag", ["status", "--json=yes"], /^--json takes no value\.\n/, "Usage: cachefleet-agent status [--json]"],
    ["a stray argument", ["scan", "somewhere"], /^scan takes no arguments besides its options \(got "somewhere"\)\.\n/, "Usage: cachefleet-agent scan"],
    ["enroll without a server", ["enroll", "--secret", "s"], /^enroll needs --server URL and --secret S/, "Usage: cachefleet-agent enroll"],
    ["enroll with a server that is not a URL", ["enroll", "--server", "dashboard", "--secret", "s"], /^--server must be a URL/, "Usage: cachefleet-agent enroll"],
    ["run before enrolling", ["run"], /^This agent is not enrolled yet/, "Usage: cachefleet-agent run [--interval SECONDS]"],
    ["migrate without a terminal or --yes", ["migrate"], /^migrate changes this machine's build cache and asks for confirmation, but there is no terminal to ask on; run it again with --yes\.\n/, "Usage: cachefleet-agent migrate"],
  ])("%s", (_name, args, message, usage) => {
    const { code, stdout, stderr } = agent(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain(usage);
  });

  it("leaves nothing behind for a command it refused", () => {
    agent(["migrate"]);
    agent(["enroll", "--server", "dashboard", "--secret", "s"]);
    expect(fs.existsSync(path.join(workDir, "home", "agent"))).toBe(false);
  });
});

/** Every file below `dir` with its size (not its time: go refreshes the entries it uses). */
function snapshot(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const stats = fs.statSync(file);
      return `${path.relative(dir, file)} ${stats.isDirectory() ? "dir" : stats.size}`;
    })
    .sort();
}

describe.skipIf(!fs.existsSync(go))("commands on a real Go 1.22", () => {
  function machine(name: string): { env: NodeJS.ProcessEnv; agentHome: string; gocache: string } {
    const root = path.join(workDir, name);
    const gocache = path.join(root, "go-build");
    fs.mkdirSync(path.join(gocache, "ab"), { recursive: true });
    fs.writeFileSync(path.join(gocache, "ab", `ab${"0".repeat(62)}-d`), "!<arch>\npackage archive\n");
    fs.writeFileSync(path.join(gocache, "README"), "This directory holds cached build artifacts from the Go build.\n");
    const agentHome = path.join(root, "agent");
    const env = { HOME: root, CACHEFLEET_AGENT_HOME: agentHome, CACHEFLEET_GO: go, GOCACHE: gocache, GOTOOLCHAIN: "local", GOTELEMETRY: "off" };
    // go itself caches what it learns about the C compiler on its first `go env`: let it, before
    // the snapshots, so they show only what the agent added or removed.
    execFileSync(go, ["env", "-json"], { env: { ...env, PATH: process.env.PATH }, stdio: "ignore" });
    return { env, agentHome, gocache };
  }

  it("status writes nothing: no agent state, no scan state, the cache as it was", () => {
    const { env, agentHome, gocache } = machine("status");
    const cacheBefore = snapshot(gocache);
    const { code, stdout, stderr } = agent(["status", "--json"], env);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const shown = JSON.parse(stdout) as { report: { scan: { status: string; summary: { entries: { count: number } } }; probes: { versionDrift: { status: string } } }; policySource: string };
    expect(shown.report.scan.status).toBe("ok");
    expect(shown.report.scan.summary.entries.count).toBeGreaterThanOrEqual(1);
    // Judged as it would be reported, from the history it would record, which it does not save.
    expect(shown.report.probes.versionDrift.status).toBe("ok");
    expect(shown.policySource).toContain("not enrolled");
    expect(fs.existsSync(agentHome)).toBe(false);
    expect(snapshot(gocache)).toEqual(cacheBefore);
  });

  it("scan prints the totals and writes nothing either", () => {
    const { env, agentHome, gocache } = machine("scan");
    const cacheBefore = snapshot(gocache);
    const { code, stdout } = agent(["scan"], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${gocache.replace(/[/.]/g, "\\$&")}: \\d+ entries, .*; verdict plaintext$`, "m"));
    expect(fs.existsSync(agentHome)).toBe(false);
    expect(snapshot(gocache)).toEqual(cacheBefore);
  });

  it("a failure that is not a usage error exits 1 with one line and no usage", () => {
    const { env } = machine("missing-cache");
    const { code, stderr } = agent(["scan", "--gocache", path.join(workDir, "no-such-cache")], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cachefleet-agent: .*no-such-cache.*\n$/);
    expect(stderr).not.toContain("Usage:");
  });
});

// The daemon holds its whole source in V8's heap for as long as it runs (build.mjs says why).
describe("the bundle", () => {
  it("is ASCII only, so V8 holds its source as a one-byte string (half the memory of a two-byte one)", () => {
    const source = fs.readFileSync(cli, "utf8");
    const wide = [...source].filter((character) => character > "\x7f");
    expect(wide).toEqual([]);
  });

  it("carries zod's English messages and no other language's", () => {
    const source = fs.readFileSync(cli, "utf8");
    const locales = [...source.matchAll(/^\/\/ \S*\/zod\/v4\/locales\/([\w-]+)\.js$/gm)].map((match) => match[1]);
    expect(locales).toEqual(["en"]);
  });

  // Any Intl formatter or collator, once used, keeps ICU's data and code resident in the daemon
  // (about 8 MB for one Intl.DateTimeFormat); machine.ts reads the time zone from the OS instead.
  it("asks nothing of Intl: no formatter, collator or locale-aware comparison in any of its modules", () => {
    const source = fs.readFileSync(cli, "utf8");
    const uses: string[] = [];
    let module = "(bundle preamble)";
    for (const line of source.split("\n")) {
      // esbuild opens each module's code with a comment naming its file.
      if (/^\/\/ \S+\.[cm]?[jt]s$/.test(line)) module = line.slice(3);
      const use = /\bIntl\b|resolvedOptions|localeCompare|toLocale\w*String/.exec(line);
      if (use) uses.push(`${module}: ${use[0]}`);
    }
    expect(uses).toEqual([]);
  });
});
