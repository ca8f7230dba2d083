// `go version -m FILE`: which Go built a binary, its main package, module and build settings.
// Results are remembered per file identity, so a daemon reporting every minute does not start
// hundreds of processes for binaries that did not change.
import fs from "node:fs";
import { probeLimits, type GoBuildInfo } from "@cachefleet/contract";
import type { CommandRunner } from "../commands.js";
import { clip, errorMessage } from "./answer.js";

export type BuildInfoResult = { kind: "go"; info: GoBuildInfo } | { kind: "not-go" } | { kind: "error"; message: string };

/**
 * Parses `go version -m` output for one file. Go prints "FILE: goVERSION" and tab-separated
 * `path`, `mod`, `dep`, `build` lines; for a file without Go build info it prints "could not read
 * Go build info" on stderr and still exits 0.
 */
export function parseBuildInfo(file: string, stdout: string): GoBuildInfo | null {
  const lines = stdout.split("\n");
  const header = lines.find((line) => line.startsWith(`${file}: `));
  if (!header) return null;
  const info: GoBuildInfo = { goVersion: clip(header.slice(file.length + 2).trim(), 256), path: null, module: null, settings: {} };
  let settings = 0;
  for (const line of lines) {
    const [, key, ...values] = line.split("\t");
    if (key === "path" && values[0]) info.path = clip(values[0], 1024);
    else if (key === "mod" && values[0]) info.module = { path: clip(values[0], 1024), version: clip(values[1] ?? "", 256) };
    else if (key === "build" && values[0] && settings < probeLimits.buildSettings) {
      const setting = values.join("\t");
      const equals = setting.indexOf("=");
      const name = equals === -1 ? setting : setting.slice(0, equals);
      info.settings[clip(name, 128)] = clip(equals === -1 ? "" : setting.slice(equals + 1), 1024);
      settings += 1;
    }
  }
  return info;
}

const notGoMarkers = ["not a Go executable", "unrecognized file format"];

export async function readBuildInfo(commands: CommandRunner, go: string, file: string): Promise<BuildInfoResult> {
  try {
    const result = await commands.run({ kind: "go-version-m", go, file });
    const info = parseBuildInfo(file, result.stdout);
    if (result.exitCode === 0 && info) return { kind: "go", info };
    if (result.stderr.includes("could not read Go build info") && notGoMarkers.some((marker) => result.stderr.includes(marker))) {
      return { kind: "not-go" };
    }
    return { kind: "error", message: clip(`go version -m exited ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`) };
  } catch (error) {
    return { kind: "error", message: clip(errorMessage(error)) };
  }
}

/** Remembers build info per file path while the file's size, mtime and inode stay the same. */
export class BuildInfoMemo {
  private readonly entries = new Map<string, { identity: string; result: BuildInfoResult }>();

  async read(commands: CommandRunner, go: string, file: string): Promise<BuildInfoResult> {
    let identity: string;
    try {
      const stats = fs.statSync(file);
      identity = `${go}|${stats.size}|${stats.mtimeMs}|${stats.ino}`;
    } catch (error) {
      return { kind: "error", message: clip(errorMessage(error)) };
    }
    const known = this.entries.get(file);
    if (known && known.identity === identity) return known.result;
    const result = await readBuildInfo(commands, go, file);
    // Errors may be passing (a timeout, a busy disk): ask again next time.
    if (result.kind !== "error") this.entries.set(file, { identity, result });
    return result;
  }
}
