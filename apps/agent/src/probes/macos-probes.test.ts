// The macOS probes (sysctl, uname, sw_vers, security) on three machine profiles: Apple Silicon
// native, under Rosetta, and Intel. macOS tools cannot run here, so `security`, `sw_vers`,
// `sysctl`, `uname` and `launchctl` are stand-ins (apps/agent/src/test-support/macos-bin) that
// reproduce the real tools' documented output and exit codes; the agent runs them as real
// processes through its command allowlist, exactly as it runs the real ones on a Mac.
import fs from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentProbes, type GoEnv } from "@cachefleet/contract";
import { createCommandRunner, readGoEnv } from "../commands.js";
import { collectProbes, probeScan } from "../report.js";
import { go122, haveRealGo, isolatedGoEnv, macosBin, standinCalls, standinRunner, tempDir, testProbeContext } from "../test-support/standins.js";
import { probeHardware, readSysctlFlag, parseSwVers } from "./hardware.js";
import { probeKeychain } from "./keychain.js";

let dir: string;

beforeAll(() => {
  dir = tempDir("macos-probes");
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function goEnv(hostArch: string): GoEnv {
  return {
    GOVERSION: "go1.22.2", GOOS: "darwin", GOARCH: hostArch, GOHOSTARCH: hostArch, GOROOT: "/usr/local/go", GOPATH: "/Users/dev/go",
    GOBIN: "", GOCACHE: "/Users/dev/Library/Caches/go-build", GOMODCACHE: "", GOENV: "", GOTOOLCHAIN: "auto",
  };
}

function context(options: Parameters<typeof standinRunner>[0], platform: NodeJS.Platform = "darwin") {
  return testProbeContext({ dir: options.dir, commands: standinRunner(options), platform });
}

describe("hardware on three Mac profiles", () => {
  it("Apple Silicon, native arm64 Go", async () => {
    const probe = await probeHardware(context({ dir, profile: "apple-silicon" }), goEnv("arm64"));
    expect(probe).toEqual({
      status: "ok",
      machine: "arm64",
      appleSilicon: true,
      agentTranslated: false,
      macos: { productName: "macOS", productVersion: "14.5", buildVersion: "23F79" },
      goHostArch: "arm64",
      goUnderRosetta: false,
      notes: [],
    });
  });

  it("Apple Silicon with an amd64 Go toolchain: flagged as running under Rosetta", async () => {
    const probe = await probeHardware(context({ dir, profile: "apple-silicon" }), goEnv("amd64"));
    expect(probe).toMatchObject({ status: "ok", appleSilicon: true, agentTranslated: false, goHostArch: "amd64", goUnderRosetta: true });
  });

  it("an agent itself running under Rosetta still sees Apple Silicon", async () => {
    const probe = await probeHardware(context({ dir, profile: "rosetta" }), goEnv("amd64"));
    expect(probe).toMatchObject({ status: "ok", machine: "x86_64", appleSilicon: true, agentTranslated: true, goUnderRosetta: true });
  });

  it("Intel: the unknown arm64 and translation OIDs mean no Apple Silicon and no Rosetta", async () => {
    const probe = await probeHardware(context({ dir, profile: "intel" }), goEnv("amd64"));
    expect(probe).toMatchObject({ status: "ok", machine: "x86_64", appleSilicon: false, agentTranslated: false, goUnderRosetta: false, notes: [] });
  });

  it("is not applicable on Linux and runs nothing", async () => {
    const quiet = tempDir("linux-hardware");
    expect(await probeHardware(context({ dir: quiet }, "linux"), goEnv("amd64"))).toMatchObject({ status: "not-applicable" });
    expect(await probeKeychain(context({ dir: quiet }, "linux"))).toMatchObject({ status: "not-applicable" });
    expect(standinCalls(quiet)).toEqual([]);
    fs.rmSync(quiet, { recursive: true, force: true });
  });

  it("reads sysctl flags in every documented form", () => {
    expect(readSysctlFlag({ exitCode: 0, stdout: "1\n", stderr: "" })).toEqual({ value: true });
    expect(readSysctlFlag({ exitCode: 0, stdout: "0\n", stderr: "" })).toEqual({ value: false });
    expect(readSysctlFlag({ exitCode: 1, stdout: "", stderr: "sysctl: unknown oid 'hw.optional.arm64'\n" })).toEqual({ value: false });
    expect(readSysctlFlag({ exitCode: 1, stdout: "", stderr: "sysctl: permission denied\n" })).toHaveProperty("problem");
    expect(readSysctlFlag({ exitCode: 0, stdout: "yes\n", stderr: "" })).toHaveProperty("problem");
  });

  it("parses sw_vers from older releases too (one tab, Mac OS X)", () => {
    expect(parseSwVers("ProductName:\tMac OS X\nProductVersion:\t10.15.7\nBuildVersion:\t19H2\n")).toEqual({
      productName: "Mac OS X",
      productVersion: "10.15.7",
      buildVersion: "19H2",
    });
    expect(parseSwVers("garbage")).toBeNull();
  });
});

describe("keychain item presence", () => {
  it("is present when security exits 0, absent when it exits 44", async () => {
    expect(await probeKeychain(context({ dir, keychain: "present" }))).toEqual({ status: "ok", service: "go-build-cache-encryption-key", itemPresent: true, store: "keychain", keyCreatedAt: null });
    expect(await probeKeychain(context({ dir, keychain: "absent" }))).toEqual({ status: "ok", service: "go-build-cache-encryption-key", itemPresent: false, store: "keychain", keyCreatedAt: null });
  });

  it("is an error with security's message for any other exit", async () => {
    const probe = await probeKeychain(context({ dir, keychain: "broken" }));
    expect(probe).toEqual({ status: "error", message: "security exited 1: security: SecKeychainSearchCopyNext: UNIX[Operation not permitted]" });
  });

  it("is an error, not a crash, when security is missing", async () => {
    const missing = testProbeContext({ dir, commands: createCommandRunner({ toolPath: [dir] }) });
    expect(await probeKeychain(missing)).toMatchObject({ status: "error", message: expect.stringContaining("security was not found") });
  });

  it("never asks security for the secret (-w / -g), and the stand-in would fail if it did", async () => {
    const own = tempDir("keychain-calls");
    for (const keychain of ["present", "absent", "broken"] as const) await probeKeychain(context({ dir: own, keychain }));
    const calls = standinCalls(own).filter(([tool]) => tool === "security");
    fs.rmSync(own, { recursive: true, force: true });
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call).toEqual(["security", "find-generic-password", "-s", "go-build-cache-encryption-key"]);
    // The stand-in's own guard, so a leak would also show up as a failed probe.
    const direct = await execa(path.join(macosBin, "security"), ["find-generic-password", "-w", "-s", "go-build-cache-encryption-key"], { reject: false });
    expect(direct.exitCode).toBe(1);
    expect(direct.stderr).toContain("never read the secret");
  });
});

describe.skipIf(!haveRealGo)("one failure never hides the rest", () => {
  it("a broken security gives a keychain error while every other probe answers", async () => {
    const goDir = tempDir("mixed-failure");
    const goSettings = isolatedGoEnv(goDir);
    fs.mkdirSync(goSettings.GOCACHE ?? "", { recursive: true });
    const probes = testProbeContext({ dir: goDir, go: go122, commands: standinRunner({ dir: goDir, profile: "apple-silicon", keychain: "broken", goEnv: goSettings }) });
    const env = await readGoEnv(probes.go);
    const scan = await probeScan(env.GOCACHE);
    const collected = await collectProbes(probes, env, scan);
    expect(AgentProbes.safeParse(collected).success).toBe(true);
    expect(collected.keychain).toMatchObject({ status: "error", message: expect.stringContaining("security exited 1") });
    expect(collected.hardware).toMatchObject({ status: "ok", appleSilicon: true, goHostArch: "amd64", goUnderRosetta: true });
    expect(collected.goToolchain.status).toBe("ok");
    expect(collected.permissions).toMatchObject({ status: "ok", exists: true, writable: true });
    expect(collected.persistence).toMatchObject({ status: "ok", goenv: { status: "ok", exists: false } });
    expect(collected.tools).toMatchObject({ status: "ok", exists: false });
    expect(collected.versionDrift).toMatchObject({ status: "ok", currentVersion: "go1.22.12", sharedAcrossVersions: false });
    fs.rmSync(goDir, { recursive: true, force: true });
  });
});
