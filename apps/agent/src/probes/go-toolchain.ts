// Every Go toolchain visible on this machine (PATH, GOROOT, ~/sdk, Homebrew, /usr/local/go, distro
// packages) with its version, the build info of the go binary the agent runs, and where that go
// keeps its build cache (`go env GOCACHEPROG`). A toolchain's version comes from its VERSION file
// when there is one (no process), else from `go version`.
import fs from "node:fs";
import path from "node:path";
import { probeLimits, type BuildInfoProbe, type CacheBackend, type GoEnv, type GoToolchain, type GoToolchainProbe, type ToolchainSource } from "@cachefleet/contract";
import { supportsCacheProg } from "@cachefleet/health";
import { readCacheProgSetting } from "../commands.js";
import { clip, errorMessage, failed, mapLimited } from "./answer.js";
import type { ProbeContext } from "./context.js";
import { isExecutableFile } from "../find-go.js";


function realpathOrNull(file: string): string | null {
  try {
    return fs.realpathSync(file);
  } catch {
    return null;
  }
}

function subdirectories(dir: string, pattern: RegExp): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => pattern.test(entry.name) && (entry.isDirectory() || entry.isSymbolicLink()))
      .map((entry) => path.join(dir, entry.name))
      .sort();
  } catch {
    return [];
  }
}

/** The root of the toolchain a go binary belongs to: `<root>/bin/go`, symlinks resolved. */
export function rootOfGoBinary(goBinary: string): string | null {
  const real = realpathOrNull(goBinary);
  if (!real) return null;
  const bin = path.dirname(real);
  return path.basename(bin) === "bin" ? path.dirname(bin) : bin;
}

/** Resolves the go binary the agent runs to an absolute path, as the OS would find it. */
export function resolveGoBinary(binary: string, pathDirs: readonly string[]): string | null {
  if (path.isAbsolute(binary)) return isExecutableFile(binary) ? binary : null;
  if (binary.includes("/")) return isExecutableFile(path.resolve(binary)) ? path.resolve(binary) : null;
  for (const dir of pathDirs) {
    const candidate = path.join(dir, binary);
    if (path.isAbsolute(dir) && isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** Candidate toolchain roots and where each was seen, deduplicated by real path. */
export function findToolchainRoots(context: Pick<ProbeContext, "pathDirs" | "toolchainLocations">, goroot: string): Map<string, Set<ToolchainSource>> {
  const found = new Map<string, Set<ToolchainSource>>();
  const add = (root: string | null, source: ToolchainSource) => {
    const real = root ? realpathOrNull(root) : null;
    if (!real) return;
    const sources = found.get(real) ?? new Set<ToolchainSource>();
    sources.add(source);
    found.set(real, sources);
  };
  for (const dir of context.pathDirs) {
    const go = path.join(dir, "go");
    if (path.isAbsolute(dir) && isExecutableFile(go)) add(rootOfGoBinary(go), "path");
  }
  if (goroot) add(goroot, "goroot");
  const locations = context.toolchainLocations;
  for (const root of subdirectories(locations.sdkDir, /^go\d/)) add(root, "sdk");
  for (const cellar of locations.homebrewCellars) {
    // Homebrew keeps GOROOT in <version>/libexec; <version>/bin only holds symlinks into it.
    for (const version of subdirectories(cellar, /^\d/)) add(path.join(version, "libexec"), "homebrew");
  }
  if (fs.existsSync(locations.usrLocalGo)) add(locations.usrLocalGo, "usr-local");
  if (locations.distroDir) for (const root of subdirectories(locations.distroDir, /^go-\d/)) add(root, "distro");
  return found;
}

/** First line of `<root>/VERSION` ("go1.22.2"), when it names a release. */
export function readVersionFile(root: string): string | null {
  try {
    const first = fs.readFileSync(path.join(root, "VERSION"), "utf8").split("\n")[0]?.trim() ?? "";
    return /^(go\d|devel)/.test(first) ? first : null;
  } catch {
    return null;
  }
}

/** "go version go1.22.2 darwin/arm64" → "go1.22.2". */
export function parseGoVersionOutput(stdout: string): string | null {
  const line = stdout.split("\n")[0]?.trim() ?? "";
  if (!line.startsWith("go version ")) return null;
  return line.slice("go version ".length).replace(/ \S+\/\S+$/, "") || null;
}

async function describeToolchain(context: ProbeContext, root: string, sources: Set<ToolchainSource>, activeRoot: string | null): Promise<GoToolchain> {
  const goBinary = path.join(root, "bin", "go");
  const base = { root: clip(root, 4096), goBinary: clip(goBinary, 4096), sources: [...sources], active: root === activeRoot };
  const fromFile = readVersionFile(root);
  if (fromFile) return { ...base, version: clip(fromFile, 256), versionFrom: "VERSION-file", error: null };
  if (!isExecutableFile(goBinary)) return { ...base, version: null, versionFrom: null, error: `${goBinary} is missing or not executable.` };
  try {
    const result = await context.commands.run({ kind: "go-version", go: goBinary });
    const version = result.exitCode === 0 ? parseGoVersionOutput(result.stdout) : null;
    if (version) return { ...base, version: clip(version, 256), versionFrom: "go-version", error: null };
    return { ...base, version: null, versionFrom: null, error: clip(`go version exited ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`) };
  } catch (error) {
    return { ...base, version: null, versionFrom: null, error: clip(errorMessage(error)) };
  }
}

async function probeBuildInfo(context: ProbeContext, binary: string | null): Promise<BuildInfoProbe> {
  if (!binary) return { status: "error", message: `The go binary "${clip(context.go.binary, 1000)}" was not found.` };
  const result = await context.buildInfo.read(context.commands, binary, binary);
  if (result.kind === "go") return { status: "ok", info: result.info };
  if (result.kind === "not-go") return { status: "error", message: `${clip(binary, 1000)} holds no Go build info.` };
  return { status: "error", message: result.message };
}

/**
 * The cache backend of the go the agent runs. Before Go 1.24 the go command ignores GOCACHEPROG
 * (Debian's 1.21–1.23 build it as an experiment), so such a Go always uses its disk cache.
 */
export async function probeCacheBackend(context: ProbeContext, env: GoEnv | null): Promise<CacheBackend | null> {
  if (!env) return null;
  if (!supportsCacheProg(env.GOVERSION)) return { kind: "disk" };
  try {
    const setting = await readCacheProgSetting(context.go);
    if (setting === "") return { kind: "disk" };
    if (context.cacheHelper) return context.cacheHelper.describe(setting);
    return { kind: "other", commandLine: clip(setting, 4096) };
  } catch {
    // `go env` failing shows in the Go probe itself.
    return null;
  }
}

export async function probeGoToolchain(context: ProbeContext, env: GoEnv | null): Promise<GoToolchainProbe> {
  try {
    const binary = resolveGoBinary(context.go.binary, context.pathDirs);
    const roots = findToolchainRoots(context, env?.GOROOT ?? "");
    const activeRoot = env?.GOROOT ? realpathOrNull(env.GOROOT) : binary ? rootOfGoBinary(binary) : null;
    const entries = [...roots.entries()].slice(0, probeLimits.toolchains);
    const [buildInfo, toolchains, cacheBackend] = await Promise.all([
      probeBuildInfo(context, binary),
      mapLimited(entries, 4, ([root, sources]) => describeToolchain(context, root, sources, activeRoot)),
      probeCacheBackend(context, env),
    ]);
    return { status: "ok", binary: clip(binary ?? context.go.binary, 4096), buildInfo, toolchains, cacheBackend };
  } catch (error) {
    return failed(error);
  }
}
