// The command allowlist: every kind has a fixed argv, the only variable parts are absolute paths
// the agent found and a numeric uid, and tools are found on the agent's own search path.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandNotRun, createCommandRunner, defaultToolPath, displayCommand, invocationOf, resolveTool, type Command } from "./commands.js";
import { macosBin, tempDir } from "./test-support/standins.js";

let dir: string;

beforeAll(() => {
  dir = tempDir("commands");
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const everyKind: Command[] = [
  { kind: "go", go: "/usr/local/go/bin/go", action: "env" },
  { kind: "go", go: "/usr/local/go/bin/go", action: "cleanCache" },
  { kind: "go", go: "/usr/local/go/bin/go", action: "listStd" },
  { kind: "go-version", go: "/usr/local/go/bin/go" },
  { kind: "go-version-m", go: "/usr/local/go/bin/go", file: "/Users/dev/go/bin/gopls" },
  { kind: "uname-machine" },
  { kind: "sysctl-arm64" },
  { kind: "sysctl-translated" },
  { kind: "sw-vers" },
  { kind: "keychain-item" },
  { kind: "launchctl-print", uid: 501 },
  { kind: "launchctl-bootstrap", uid: 501, plist: "/Users/dev/Library/LaunchAgents/dev.cachefleet.agent.plist" },
  { kind: "launchctl-bootout", uid: 501 },
  { kind: "systemctl-daemon-reload" },
  { kind: "systemctl-enable" },
  { kind: "systemctl-restart" },
  { kind: "systemctl-disable" },
];

describe("command allowlist", () => {
  it("maps every kind to its fixed argv", () => {
    expect(everyKind.map(displayCommand)).toEqual([
      "/usr/local/go/bin/go env -json",
      "/usr/local/go/bin/go clean -cache",
      "/usr/local/go/bin/go list std",
      "/usr/local/go/bin/go version",
      "/usr/local/go/bin/go version -m /Users/dev/go/bin/gopls",
      "uname -m",
      "sysctl -n hw.optional.arm64",
      "sysctl -n sysctl.proc_translated",
      "sw_vers",
      "security find-generic-password -s go-build-cache-encryption-key",
      "launchctl print gui/501/dev.cachefleet.agent",
      "launchctl bootstrap gui/501 /Users/dev/Library/LaunchAgents/dev.cachefleet.agent.plist",
      "launchctl bootout gui/501/dev.cachefleet.agent",
      "systemctl --user daemon-reload",
      "systemctl --user enable --now cachefleet-agent.service",
      "systemctl --user restart cachefleet-agent.service",
      "systemctl --user disable --now cachefleet-agent.service",
    ]);
    for (const command of everyKind) expect(invocationOf(command).timeoutMs).toBeGreaterThan(0);
  });

  it("never asks security for the secret", () => {
    expect(invocationOf({ kind: "keychain-item" }).args.some((arg) => arg === "-w" || arg === "-g")).toBe(false);
  });

  it("refuses relative paths and odd uids, which could be read as options or other domains", () => {
    expect(() => invocationOf({ kind: "go-version-m", go: "go", file: "-toolexec=evil" })).toThrow(/relative path/);
    expect(() => invocationOf({ kind: "launchctl-bootstrap", uid: 501, plist: "x.plist" })).toThrow(/relative path/);
    expect(() => invocationOf({ kind: "launchctl-print", uid: -1 })).toThrow(/Not a uid/);
    expect(() => invocationOf({ kind: "launchctl-bootout", uid: 1.5 })).toThrow(/Not a uid/);
  });

  it("finds tools only on its search path, and says where it looked", async () => {
    expect(resolveTool("sw_vers", [dir, macosBin])).toBe(path.join(macosBin, "sw_vers"));
    expect(resolveTool("sw_vers", [dir])).toBeNull();
    const runner = createCommandRunner({ toolPath: [dir] });
    await expect(runner.run({ kind: "sw-vers" })).rejects.toThrow(CommandNotRun);
    await expect(runner.run({ kind: "sw-vers" })).rejects.toThrow(`sw_vers was not found (looked in ${dir})`);
    expect(defaultToolPath("relative:/opt/bin:/usr/bin")).toEqual(["/opt/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]);
  });

  it("runs a found tool without a shell and returns its exit code and output", async () => {
    const result = await createCommandRunner({ toolPath: [macosBin] }).run({ kind: "sw-vers" });
    expect(result).toEqual({ exitCode: 0, stdout: "ProductName:\t\tmacOS\nProductVersion:\t\t14.5\nBuildVersion:\t\t23F79", stderr: "" });
  });

  it("reports a timeout as a command that did not run", async () => {
    const slow = path.join(dir, "slow-bin");
    fs.mkdirSync(slow);
    fs.writeFileSync(path.join(slow, "uname"), "#!/bin/sh\nsleep 5\n", { mode: 0o755 });
    await expect(createCommandRunner({ toolPath: [slow], timeoutMs: 200 }).run({ kind: "uname-machine" })).rejects.toThrow(/timed out/);
  });
});

describe("keychain output", () => {
  it("is never captured: the item's attributes stay out of the agent's memory", async () => {
    const result = await createCommandRunner({ toolPath: [macosBin], env: { CACHEFLEET_STANDIN_KEYCHAIN: "present" } }).run({ kind: "keychain-item" });
    expect(result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
  });
});
