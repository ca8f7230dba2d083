// Makes the helper runnable on this machine: the agent carries the helper's Go source (bundled as
// text) and compiles it with the machine's own go toolchain into its home, once per helper
// version. A helper written in Go starts in about a millisecond; the go command starts one per
// invocation, so a Node helper's start-up alone would cost more than a warm build's whole budget
// (see README.md for the figures).
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CommandRunner } from "../commands.js";
import type { KeyStore } from "../keystore.js";
import { helperBinaryPrefix } from "./describe.js";
import helperSource from "./helper/main.go";
import { joinQuoted } from "./quoted.js";

/** The helper's version: the protocol/format generation, then a digest of its source. */
export const cacheProgVersion = `1.0.0-${createHash("sha256").update(helperSource).digest("hex").slice(0, 10)}`;

export { helperSource };

export interface CacheProgContext {
  /** The go binary that compiles the helper (absolute): the one the agent runs. */
  go: string;
  commands: CommandRunner;
  /** The agent's config folder; the helper is kept in its `cacheprog` folder. */
  agentHome: string;
  keyStore: KeyStore;
  /** Where compiled helpers are kept, instead of `<agentHome>/cacheprog` (tests share one). */
  helperDir?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export class CacheProgBuildError extends Error {}

export function helperPath(helperDir: string): string {
  return path.join(helperDir, `${helperBinaryPrefix}${cacheProgVersion}`);
}

async function helperRuns(commands: CommandRunner, helper: string, signal?: AbortSignal): Promise<boolean> {
  if (!fs.existsSync(helper)) return false;
  try {
    const result = await commands.run({ kind: "cacheprog-version", helper }, undefined, signal);
    return result.exitCode === 0 && result.stdout.trim() === cacheProgVersion;
  } catch {
    return false;
  }
}

/**
 * Compiles the helper unless this version is already there and runs, and returns the exact
 * GOCACHEPROG value: the helper and where it reads the key, quoted the way the go command splits it.
 */
export async function prepareCacheProg(ctx: CacheProgContext): Promise<{ commandLine: string }> {
  const helperDir = ctx.helperDir ?? path.join(ctx.agentHome, "cacheprog");
  const helper = helperPath(helperDir);
  const commandLine = joinQuoted([helper, ...ctx.keyStore.helperArgs()]);
  if (await helperRuns(ctx.commands, helper, ctx.signal)) return { commandLine };

  fs.mkdirSync(helperDir, { recursive: true, mode: 0o700 });
  // A private folder for the source and the half-built binary, renamed into place when it works,
  // so two agents preparing at once never run a partial file.
  const work = fs.mkdtempSync(path.join(helperDir, "build-"));
  // The toolchain's own cache for this one build, outside GOCACHE and removed afterwards.
  const buildCache = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-helper-build-"));
  try {
    const source = path.join(work, "main.go");
    fs.writeFileSync(source, helperSource, { mode: 0o600 });
    const output = path.join(work, path.basename(helper));
    ctx.log?.(`Compiling the encrypted cache helper ${cacheProgVersion} with ${ctx.go}`);
    const result = await ctx.commands.run(
      { kind: "go-build-cacheprog", go: ctx.go, source, output, buildCache, version: cacheProgVersion },
      ctx.log,
      ctx.signal,
    );
    if (result.exitCode !== 0) {
      throw new CacheProgBuildError(`Compiling the cache helper failed (go build exited ${result.exitCode}): ${(result.stderr || result.stdout).trim().slice(-2000)}`);
    }
    fs.renameSync(output, helper);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(buildCache, { recursive: true, force: true });
  }
  if (!(await helperRuns(ctx.commands, helper, ctx.signal))) {
    throw new CacheProgBuildError(`The compiled cache helper ${helper} does not run.`);
  }
  ctx.log?.(`Cache helper ready: ${helper}`);
  return { commandLine };
}
