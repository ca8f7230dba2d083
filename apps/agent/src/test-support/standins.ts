// Test helpers: temp folders, the stand-ins for macOS tools (README.md beside this file), the real
// Go toolchains this machine has, and a probe context wired to all of them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createCommandRunner, createGoRunner, type CommandRunner } from "../commands.js";
import { BuildInfoMemo } from "../probes/build-info.js";
import type { ProbeContext, ToolchainLocations } from "../probes/context.js";

export const macosBin = fileURLToPath(new URL("./macos-bin", import.meta.url));
export const linuxBin = fileURLToPath(new URL("./linux-bin", import.meta.url));

/** Debian's golang-1.21-go and golang-1.22-go. */
export const go121 = "/usr/lib/go-1.21/bin/go";
export const go122 = "/usr/lib/go-1.22/bin/go";
export const haveRealGo = fs.existsSync(go121) && fs.existsSync(go122);

/** Debian trixie's golang-1.24-go: the first release that runs GOCACHEPROG helpers. */
export const go124 = process.env.GOROOT_1_24 ? path.join(process.env.GOROOT_1_24, "bin", "go") : "/usr/lib/go-1.24/bin/go";

/** Go 1.24, or a clear failure: CI installs it (.ci/run), so its absence is a broken machine, not a skip. */
export function requireGo124(): string {
  if (!fs.existsSync(go124)) {
    throw new Error(`These tests need Go 1.24 at ${go124} (Debian trixie's golang-1.24-go; set GOROOT_1_24 to use another install).`);
  }
  return go124;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cachefleet-${prefix}-`));
}

export interface StandinOptions {
  profile?: "apple-silicon" | "rosetta" | "intel";
  keychain?: "present" | "absent" | "broken";
  /** Lets `security` print the secret (-w/-g): only for the key store and the cache helper. */
  keychainSecrets?: "readable";
  systemctl?: "ok" | "no-bus";
  timeMachine?: "included" | "excluded";
  spotlight?: "enabled" | "disabled";
  fileVault?: "on" | "off" | "encrypting";
  /** A folder `mount` lists as its own volume, of `mountType` (default apfs). */
  mountRoot?: string;
  mountType?: "apfs" | "hfs" | "exfat" | "smbfs" | "macfuse";
  /** Folder for the call log and launchctl/systemctl state. */
  dir: string;
  /** Go settings for the children (a temp GOCACHE, GOPATH, …). */
  goEnv?: Record<string, string>;
}

export function standinLog(dir: string): string {
  return path.join(dir, "standin-calls.log");
}

/** Every stand-in call so far, as [tool, ...args]. */
export function standinCalls(dir: string): string[][] {
  try {
    return fs.readFileSync(standinLog(dir), "utf8").split("\n").filter(Boolean).map((line) => line.split("\t"));
  } catch {
    return [];
  }
}

/** A command runner whose system tools are the stand-ins. */
export function standinRunner(options: StandinOptions): CommandRunner {
  return createCommandRunner({
    toolPath: [macosBin, linuxBin],
    env: {
      CACHEFLEET_STANDIN_PROFILE: options.profile ?? "apple-silicon",
      CACHEFLEET_STANDIN_KEYCHAIN: options.keychain ?? "present",
      CACHEFLEET_STANDIN_SYSTEMCTL: options.systemctl ?? "ok",
      CACHEFLEET_STANDIN_TIMEMACHINE: options.timeMachine ?? "included",
      CACHEFLEET_STANDIN_SPOTLIGHT: options.spotlight ?? "enabled",
      CACHEFLEET_STANDIN_FILEVAULT: options.fileVault ?? "on",
      CACHEFLEET_STANDIN_MOUNT_ROOT: options.mountRoot ?? "",
      CACHEFLEET_STANDIN_MOUNT_TYPE: options.mountType ?? "apfs",
      CACHEFLEET_STANDIN_LOG: standinLog(options.dir),
      CACHEFLEET_STANDIN_STATE: path.join(options.dir, "standin-state"),
      ...(options.keychainSecrets ? { CACHEFLEET_STANDIN_KEYCHAIN_SECRETS: options.keychainSecrets } : {}),
      ...options.goEnv,
    },
  });
}

/** Go settings that keep a real toolchain inside `dir` and offline. */
export function isolatedGoEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GOCACHE: path.join(dir, "go-build"),
    GOPATH: path.join(dir, "gopath"),
    GOMODCACHE: path.join(dir, "gopath", "pkg", "mod"),
    GOENV: path.join(dir, "go-env"),
    GOBIN: "",
    GOTOOLCHAIN: "local",
    GOTELEMETRY: "off",
    GOFLAGS: "-modcacherw",
    GOPROXY: "off",
    ...extra,
  };
}

export function emptyLocations(dir: string): ToolchainLocations {
  return { sdkDir: path.join(dir, "no-sdk"), homebrewCellars: [], usrLocalGo: path.join(dir, "no-usr-local-go"), distroDir: null };
}

export function testProbeContext(options: {
  dir: string;
  commands: CommandRunner;
  go?: string;
  platform?: NodeJS.Platform;
  home?: string;
  now?: () => Date;
  pathDirs?: string[];
  toolchainLocations?: ToolchainLocations;
}): ProbeContext {
  return {
    commands: options.commands,
    go: createGoRunner(options.go ?? go122, options.commands),
    platform: options.platform ?? "darwin",
    home: options.home ?? path.join(options.dir, "home"),
    stateFile: path.join(options.dir, "agent-home", "state.json"),
    uid: process.getuid?.() ?? null,
    pathDirs: options.pathDirs ?? [],
    now: options.now ?? (() => new Date()),
    toolchainLocations: options.toolchainLocations ?? emptyLocations(options.dir),
    buildInfo: new BuildInfoMemo(),
  };
}
