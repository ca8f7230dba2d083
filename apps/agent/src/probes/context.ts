// What every probe may use: the command runners, the platform and the places to look. Tests build
// one pointing at temp folders, stand-in tools and a chosen platform.
import path from "node:path";
import type { GoEnv, ScanProbe } from "@cachefleet/contract";
import type { CacheHelper } from "../cache-helper.js";
import type { CommandRunner, GoRunner } from "../commands.js";
import type { BuildInfoMemo } from "./build-info.js";

/** Fixed install folders where Go toolchains live, replaceable in tests. */
export interface ToolchainLocations {
  /** golang.org/dl downloads: ~/sdk/go1.22.2 */
  sdkDir: string;
  /** Homebrew Cellars holding go/<version>/libexec */
  homebrewCellars: string[];
  /** The go.dev installer's root */
  usrLocalGo: string;
  /** Where Debian/Ubuntu put go-1.xx; null off Linux */
  distroDir: string | null;
}

export interface ProbeContext {
  /** Reported instead of the hostname when set (CACHEFLEET_MACHINE_NAME). */
  machineName?: string;
  /** The TZ variable the agent started with: reports name this zone before the OS's files' (machine.ts). */
  timeZoneVariable?: string;
  commands: CommandRunner;
  go: GoRunner;
  platform: NodeJS.Platform;
  /** The developer's home folder (HOME). */
  home: string;
  /** The agent's state file (see agent-state.ts). */
  stateFile: string;
  /** Where the last scan's state is kept between reports (see scan-state.ts); none in tests. */
  scanStateFile?: string;
  /** Read the agent's state and scan state but write neither: a read-only command (`status`). */
  readOnly?: boolean;
  /** The current user's uid; null where the platform has none. */
  uid: number | null;
  /** PATH entries, for finding toolchains. */
  pathDirs: string[];
  now: () => Date;
  toolchainLocations: ToolchainLocations;
  buildInfo: BuildInfoMemo;
  /** The encrypted cache helper and its key store; absent where the agent has none wired in. */
  cacheHelper?: CacheHelper;
}

/** What the later probes learn from the first two. */
export interface EarlierFacts {
  env: GoEnv | null;
  scan: ScanProbe;
}

export function defaultToolchainLocations(home: string, platform: NodeJS.Platform): ToolchainLocations {
  return {
    sdkDir: path.join(home, "sdk"),
    homebrewCellars: ["/opt/homebrew/Cellar/go", "/usr/local/Cellar/go"],
    usrLocalGo: "/usr/local/go",
    distroDir: platform === "linux" ? "/usr/lib" : null,
  };
}
