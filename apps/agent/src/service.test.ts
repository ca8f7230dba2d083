// install / uninstall on a temp HOME. launchctl and systemctl are stand-ins
// (apps/agent/src/test-support) reproducing the real tools' exit codes and messages, because neither a
// macOS launchd nor a systemd user session runs here; they record every call so the tests can
// assert the exact argv the agent used.
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCommandRunner, type CommandRunner } from "./commands.js";
import { daemonEnvironment, daemonNodeFlags } from "./launch.js";
import { parsePlist } from "./plist.js";
import { installService, launchAgentPath, systemdUnit, systemdUnitPath, uninstallService, type ServiceContext } from "./service.js";
import { macosBin, standinCalls, standinRunner, tempDir } from "./test-support/standins.js";

let dir: string;

beforeEach(() => {
  dir = tempDir("service");
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function context(platform: NodeJS.Platform, commands: CommandRunner = standinRunner({ dir }), overrides: Partial<ServiceContext> = {}): ServiceContext {
  return {
    platform,
    home: path.join(dir, "home"),
    configHome: path.join(dir, "home", ".config"),
    agentHome: path.join(dir, "home", "Library", "Application Support", "cachefleet"),
    nodePath: "/usr/local/bin/node",
    cliPath: "/opt/cachefleet/dist/cli.js",
    goBinary: "/opt/homebrew/Cellar/go/1.22.2/libexec/bin/go",
    pathDirs: [],
    carriedEnv: {},
    uid: 501,
    commands,
    ...overrides,
  };
}

/** The stand-in calls of one tool, without the tool name. */
function calls(tool: string): string[][] {
  return standinCalls(dir)
    .filter(([name]) => name === tool)
    .map(([, ...args]) => args);
}

describe("LaunchAgent on macOS", () => {
  it("writes the plist and bootstraps it into the user's GUI domain", async () => {
    const service = context("darwin");
    const outcome = await installService(service);
    expect(outcome.ok).toBe(true);
    const file = launchAgentPath(service.home);
    expect(file).toBe(path.join(dir, "home", "Library", "LaunchAgents", "dev.cachefleet.agent.plist"));
    const logs = path.join(service.agentHome, "logs");
    expect(parsePlist(fs.readFileSync(file, "utf8"))).toEqual({
      Label: "dev.cachefleet.agent",
      // Node runs the agent with the daemon's flags (a small young generation: launch.ts).
      ProgramArguments: ["/usr/local/bin/node", ...daemonNodeFlags, "/opt/cachefleet/dist/cli.js", "run"],
      RunAtLoad: true,
      KeepAlive: true,
      StandardOutPath: path.join(logs, "agent.log"),
      StandardErrorPath: path.join(logs, "agent.err.log"),
      EnvironmentVariables: {
        CACHEFLEET_AGENT_HOME: service.agentHome,
        PATH: "/opt/homebrew/Cellar/go/1.22.2/libexec/bin:/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
      },
    });
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(fs.statSync(logs).isDirectory()).toBe(true);
    expect(calls("launchctl")).toEqual([
      ["print", "gui/501/dev.cachefleet.agent"],
      ["bootstrap", "gui/501", file],
    ]);
    expect(outcome.lines.join("\n")).toContain("Loaded dev.cachefleet.agent");
  });

  it("carries the machine name and GOCACHE of the installing shell into the plist", async () => {
    const service = context("darwin", standinRunner({ dir }), { carriedEnv: { CACHEFLEET_MACHINE_NAME: "dara-mbp", GOCACHE: "/Volumes/Fast/go-build" } });
    await installService(service);
    const plist = parsePlist(fs.readFileSync(launchAgentPath(service.home), "utf8"));
    expect(plist).toMatchObject({ EnvironmentVariables: { CACHEFLEET_MACHINE_NAME: "dara-mbp", GOCACHE: "/Volumes/Fast/go-build", CACHEFLEET_AGENT_HOME: service.agentHome } });
  });

  it("is idempotent: a second install changes nothing, a changed one reloads", async () => {
    await installService(context("darwin"));
    const again = await installService(context("darwin"));
    expect(again.ok).toBe(true);
    expect(again.lines.join("\n")).toContain("already loaded");
    const moved = await installService(context("darwin", standinRunner({ dir }), { goBinary: "/usr/local/go/bin/go" }));
    expect(moved.ok).toBe(true);
    expect(calls("launchctl").map((args) => args[0])).toEqual(["print", "bootstrap", "print", "print", "bootout", "bootstrap"]);
    expect(calls("launchctl")[4]).toEqual(["bootout", "gui/501/dev.cachefleet.agent"]);
    expect(fs.readFileSync(launchAgentPath(context("darwin").home), "utf8")).toContain("/usr/local/go/bin:");
  });

  it("uninstalls: boots the job out and removes the plist, and a second uninstall is a no-op", async () => {
    const service = context("darwin");
    await installService(service);
    const outcome = await uninstallService(service);
    expect(outcome).toEqual({ ok: true, lines: ["Unloaded dev.cachefleet.agent.", `Removed ${launchAgentPath(service.home)}.`] });
    expect(fs.existsSync(launchAgentPath(service.home))).toBe(false);
    expect(calls("launchctl").slice(-2)).toEqual([
      ["print", "gui/501/dev.cachefleet.agent"],
      ["bootout", "gui/501/dev.cachefleet.agent"],
    ]);
    expect(await uninstallService(service)).toEqual({ ok: true, lines: ["The agent was not installed; nothing to do."] });
  });

  it("keeps the plist and prints the command when launchctl is missing", async () => {
    // A home with a space: the printed command must still paste into a shell.
    const service = context("darwin", createCommandRunner({ toolPath: [path.join(dir, "empty")] }), { home: path.join(dir, "Dev Home") });
    const outcome = await installService(service);
    expect(outcome.ok).toBe(false);
    expect(fs.existsSync(launchAgentPath(service.home))).toBe(true);
    expect(outcome.lines).toContain(`  launchctl bootstrap gui/501 '${launchAgentPath(service.home)}'`);
  });
});

describe("systemd user unit on Linux", () => {
  it("writes the unit and enables it with systemctl --user", async () => {
    const service = context("linux", standinRunner({ dir }), { goBinary: "/usr/lib/go-1.22/bin/go", nodePath: "/usr/bin/node" });
    const outcome = await installService(service);
    expect(outcome.ok).toBe(true);
    const file = systemdUnitPath(service.configHome);
    expect(file).toBe(path.join(dir, "home", ".config", "systemd", "user", "cachefleet-agent.service"));
    const unit = fs.readFileSync(file, "utf8");
    expect(daemonNodeFlags.length).toBeGreaterThan(0);
    expect(unit).toContain(`ExecStart="/usr/bin/node" ${daemonNodeFlags.map((flag) => `"${flag}"`).join(" ")} "/opt/cachefleet/dist/cli.js" "run"\n`);
    expect(unit).toContain("Restart=always\n");
    // glibc's malloc arenas capped and its thresholds fixed for the daemon (launch.ts).
    expect(daemonEnvironment("linux")).toEqual({ MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072", MALLOC_TRIM_THRESHOLD_: "131072", MALLOC_TOP_PAD_: "0" });
    expect(unit).toContain('Environment="MALLOC_ARENA_MAX=2"\n');
    expect(unit).toContain('Environment="MALLOC_MMAP_THRESHOLD_=131072"\n');
    expect(unit).toContain('Environment="MALLOC_TRIM_THRESHOLD_=131072"\n');
    expect(unit).toContain('Environment="MALLOC_TOP_PAD_=0"\n');
    expect(unit).toContain(`Environment="CACHEFLEET_AGENT_HOME=${service.agentHome}"\n`);
    expect(unit).toContain('Environment="PATH=/usr/lib/go-1.22/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"\n');
    expect(unit).toContain("WantedBy=default.target\n");
    expect(calls("systemctl")).toEqual([
      ["--user", "daemon-reload"],
      ["--user", "enable", "--now", "cachefleet-agent.service"],
    ]);
    // Again with a changed unit: reload, enable, and restart the running service.
    await installService({ ...service, goBinary: "/usr/lib/go-1.21/bin/go" });
    expect(calls("systemctl").slice(2)).toEqual([
      ["--user", "daemon-reload"],
      ["--user", "enable", "--now", "cachefleet-agent.service"],
      ["--user", "restart", "cachefleet-agent.service"],
    ]);
  });

  it("carries the machine name, the go binary, GOCACHE and the installing PATH into the unit", async () => {
    const service = context("linux", standinRunner({ dir }), {
      goBinary: "/home/dev/sdk/go1.24.4/bin/go",
      pathDirs: ["/home/dev/go/bin", "relative/bin", "/usr/bin", ""],
      carriedEnv: { CACHEFLEET_MACHINE_NAME: "dev-vm-2", CACHEFLEET_GO: "/home/dev/sdk/go1.24.4/bin/go", GOCACHE: "/data/go cache" },
    });
    await installService(service);
    const unit = fs.readFileSync(systemdUnitPath(service.configHome), "utf8");
    expect(unit).toContain('Environment="CACHEFLEET_MACHINE_NAME=dev-vm-2"\n');
    expect(unit).toContain('Environment="CACHEFLEET_GO=/home/dev/sdk/go1.24.4/bin/go"\n');
    expect(unit).toContain('Environment="GOCACHE=/data/go cache"\n');
    // go's folder first, then the installing shell's absolute folders, then the system's, once each.
    expect(unit).toContain('Environment="PATH=/home/dev/sdk/go1.24.4/bin:/home/dev/go/bin:/usr/bin:/usr/local/bin:/bin:/usr/sbin:/sbin"\n');
  });

  it("keeps the unit and prints the exact commands when there is no user session", async () => {
    const service = context("linux", standinRunner({ dir, systemctl: "no-bus" }));
    const outcome = await installService(service);
    expect(outcome.ok).toBe(false);
    expect(fs.existsSync(systemdUnitPath(service.configHome))).toBe(true);
    expect(outcome.lines).toContain("Could not enable it: `systemctl --user daemon-reload` exited 1: Failed to connect to bus: No medium found");
    expect(outcome.lines.slice(-2)).toEqual(["  systemctl --user daemon-reload", "  systemctl --user enable --now cachefleet-agent.service"]);
  });

  it("says so when systemctl is missing", async () => {
    const outcome = await installService(context("linux", createCommandRunner({ toolPath: [macosBin] })));
    expect(outcome.ok).toBe(false);
    expect(outcome.lines.join("\n")).toContain("systemctl was not found");
  });

  it("uninstalls: disables, removes the unit, reloads", async () => {
    const service = context("linux");
    await installService(service);
    const outcome = await uninstallService(service);
    expect(outcome.ok).toBe(true);
    expect(fs.existsSync(systemdUnitPath(service.configHome))).toBe(false);
    expect(calls("systemctl").slice(-2)).toEqual([
      ["--user", "disable", "--now", "cachefleet-agent.service"],
      ["--user", "daemon-reload"],
    ]);
    expect(await uninstallService(service)).toEqual({ ok: true, lines: ["The agent was not installed; nothing to do."] });
  });

  it("quotes paths for systemd: spaces, quotes, % specifiers and $ expansion", () => {
    const unit = systemdUnit(context("linux", standinRunner({ dir }), { cliPath: '/home/dev/my "agent"/50%/$HOME/cli.js', agentHome: "/home/dev/50% $x" }));
    expect(unit).toContain(`"/home/dev/my \\"agent\\"/50%%/$$HOME/cli.js" "run"`);
    expect(unit).toContain('Environment="CACHEFLEET_AGENT_HOME=/home/dev/50%% $x"');
    expect(() => systemdUnit(context("linux", standinRunner({ dir }), { cliPath: "/a\nb" }))).toThrow(/line break/);
  });
});
