// Whether the developer's Go environment persists beyond one shell: keys set with `go env -w` (the
// GOENV file, on every platform) and, on macOS, LaunchAgents that set a PATH holding GOBIN so GUI
// apps (IDEs) find the same tools. Each part answers on its own.
import fs from "node:fs";
import path from "node:path";
import {
  agentLaunchLabel,
  probeLimits,
  type GoEnv,
  type GoEnvFileProbe,
  type LaunchAgentPath,
  type LaunchAgentsProbe,
  type PersistenceProbe,
} from "@cachefleet/contract";
import { dictOf, parsePlist, type PlistValue } from "../plist.js";
import { clip, errorMessage, failed, hasCode, notApplicable } from "./answer.js";

/** Where `go install` puts binaries: GOBIN, else the first GOPATH entry's bin. */
export function gobinOf(env: GoEnv): { dir: string; from: "GOBIN" | "GOPATH" } | null {
  if (env.GOBIN) return { dir: env.GOBIN, from: "GOBIN" };
  const first = env.GOPATH.split(path.delimiter).find((entry) => entry !== "");
  return first ? { dir: path.join(first, "bin"), from: "GOPATH" } : null;
}

/** Keys of a GOENV file: `KEY=value` lines as `go env -w` writes them; anything else is skipped. */
export function parseGoEnvKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (match?.[1]) keys.add(match[1]);
  }
  return [...keys].slice(0, probeLimits.goenvKeys).map((key) => clip(key, 128));
}

export function probeGoEnvFile(goenv: string): GoEnvFileProbe {
  if (goenv === "" || goenv === "off") return notApplicable(`go env -w is disabled (GOENV=${goenv || "empty"}).`);
  try {
    const text = fs.readFileSync(goenv, "utf8");
    return { status: "ok", file: clip(goenv, 4096), exists: true, keys: parseGoEnvKeys(text) };
  } catch (error) {
    if (hasCode(error, "ENOENT")) return { status: "ok", file: clip(goenv, 4096), exists: false, keys: [] };
    return failed(error);
  }
}

function normalizeDir(dir: string): string {
  const normalized = path.normalize(dir);
  return normalized.length > 1 ? normalized.replace(/\/+$/, "") : normalized;
}

export function pathHolds(searchPath: string, dir: string | null): boolean {
  if (!dir) return false;
  const wanted = normalizeDir(dir);
  return searchPath.split(":").some((entry) => entry !== "" && normalizeDir(entry) === wanted);
}

/**
 * PATH values a LaunchAgent sets: EnvironmentVariables.PATH (for its own job) and a
 * `launchctl setenv PATH …` job (the usual way to reach every GUI app).
 */
export function launchAgentPaths(plist: PlistValue): { label: string | null; via: LaunchAgentPath["via"]; path: string }[] {
  const root = dictOf(plist);
  if (!root) return [];
  const label = typeof root.Label === "string" ? root.Label : null;
  const found: { label: string | null; via: LaunchAgentPath["via"]; path: string }[] = [];
  const environment = dictOf(root.EnvironmentVariables);
  if (environment && typeof environment.PATH === "string") found.push({ label, via: "EnvironmentVariables", path: environment.PATH });
  const argv = root.ProgramArguments;
  if (Array.isArray(argv) && typeof argv[0] === "string" && path.basename(argv[0]) === "launchctl" && argv[1] === "setenv") {
    for (let index = 2; index + 1 < argv.length; index += 2) {
      const key = argv[index];
      const value = argv[index + 1];
      if (key === "PATH" && typeof value === "string") found.push({ label, via: "launchctl-setenv", path: value });
    }
  }
  return found;
}

/** Plist files are tiny; anything bigger is not a LaunchAgent worth reading. */
const maxPlistBytes = 1024 * 1024;
const maxPlistFiles = 500;

export function probeLaunchAgents(platform: NodeJS.Platform, home: string, gobin: string | null): LaunchAgentsProbe {
  if (platform !== "darwin") return notApplicable("LaunchAgents exist only on macOS.");
  const folder = path.join(home, "Library", "LaunchAgents");
  try {
    let names: string[];
    try {
      names = fs.readdirSync(folder).filter((name) => name.endsWith(".plist")).sort();
    } catch (error) {
      if (hasCode(error, "ENOENT")) return { status: "ok", folder, plists: 0, paths: [], unreadable: [], gobinOnPath: false };
      throw error;
    }
    const paths: LaunchAgentPath[] = [];
    const unreadable: { file: string; message: string }[] = [];
    for (const name of names.slice(0, maxPlistFiles)) {
      const file = path.join(folder, name);
      try {
        const stats = fs.statSync(file);
        if (!stats.isFile()) continue;
        if (stats.size > maxPlistBytes) throw new Error(`larger than ${maxPlistBytes} bytes`);
        for (const found of launchAgentPaths(parsePlist(fs.readFileSync(file, "utf8")))) {
          paths.push({
            file: clip(file, 4096),
            label: found.label === null ? null : clip(found.label, 256),
            via: found.via,
            path: clip(found.path, 16_384),
            holdsGobin: pathHolds(found.path, gobin),
            ownAgent: found.label === agentLaunchLabel,
          });
        }
      } catch (error) {
        unreadable.push({ file: clip(file, 4096), message: clip(errorMessage(error)) });
      }
    }
    return {
      status: "ok",
      folder: clip(folder, 4096),
      plists: names.length,
      paths: paths.slice(0, probeLimits.launchAgentPaths),
      unreadable: unreadable.slice(0, probeLimits.unreadablePlists),
      gobinOnPath: paths.some((entry) => entry.holdsGobin && !entry.ownAgent),
    };
  } catch (error) {
    return failed(error);
  }
}

export function probePersistence(env: GoEnv | null, platform: NodeJS.Platform, home: string): PersistenceProbe {
  if (!env) return failed("GOENV and GOBIN are unknown because `go env` failed.");
  try {
    const gobin = gobinOf(env);
    return {
      status: "ok",
      gobin: gobin ? clip(gobin.dir, 4096) : null,
      gobinFrom: gobin?.from ?? null,
      goenv: probeGoEnvFile(env.GOENV),
      launchAgents: probeLaunchAgents(platform, home, gobin?.dir ?? null),
    };
  } catch (error) {
    return failed(error);
  }
}
