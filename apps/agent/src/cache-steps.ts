// The plan steps that switch a machine to Cachefleet's encrypted cache and back: the refusals that
// come before any backup (Go older than 1.24, another GOCACHEPROG configured), enable (key, then
// `go env -w GOCACHEPROG=…`), verify (helper configured, key present, a probe build that hits, a
// scan with no plaintext) and disable (`go env -u GOCACHEPROG`). Every go invocation is a fixed
// argv from commands.ts; the only computed parts are the helper's command line and a temp module.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cacheProgMinimumGo, type CommandSpec, type KeyLocation, type ScanSummary } from "@cachefleet/contract";
import { scanCache } from "@cachefleet/gocache";
import { supportsCacheProg } from "@cachefleet/health";
import type { CacheHelper } from "./cache-helper.js";
import { GoCommandError, readCacheProgSetting, readGoEnv, type GoRunner } from "./commands.js";

export interface CacheStepContext {
  runner: GoRunner;
  helper: CacheHelper | undefined;
  log: (line: string) => void;
  signal: AbortSignal;
}

const noHelper = "This agent has no encrypted cache helper wired in, so it cannot switch GOCACHEPROG; update the agent.";

function keyPlace(location: KeyLocation): string {
  return location === "keychain" ? "login Keychain" : "agent's key file";
}

function requireHelper(helper: CacheHelper | undefined): CacheHelper {
  if (!helper) throw new Error(noHelper);
  return helper;
}

/**
 * Why a command must not start at all on this machine, or null. Checked before the backup, so a
 * refused migration changes nothing.
 */
export async function refusalBeforePlan(spec: CommandSpec, runner: GoRunner, helper: CacheHelper | undefined, signal: AbortSignal): Promise<string | null> {
  if (spec.kind !== "migrate" && spec.kind !== "disable" && spec.kind !== "rotate-key") return null;
  if (spec.kind === "migrate") {
    const env = await readGoEnv(runner);
    if (!supportsCacheProg(env.GOVERSION)) {
      return (
        `Refusing to migrate: ${env.GOVERSION || "this Go"} cannot keep an encrypted cache, because the GOCACHEPROG helper ` +
        `it needs arrived in Go ${cacheProgMinimumGo}. Upgrade Go to ${cacheProgMinimumGo} or later, then migrate again; nothing was changed.`
      );
    }
  }
  if (!helper) return noHelper;
  const setting = await readCacheProgSetting(runner, signal);
  const backend = helper.describe(setting);
  if (backend.kind === "other") {
    if (spec.kind === "migrate" && spec.options.replaceOtherCacheProg) return null;
    if (spec.kind === "migrate") {
      return (
        `Refusing to migrate: GOCACHEPROG already runs another cache helper (${setting}), and it is not replaced unless an admin ` +
        "ticks “Replace the other cache helper”; nothing was changed."
      );
    }
    return `Refusing to ${spec.kind === "disable" ? "disable" : "rotate the key"}: GOCACHEPROG runs another cache helper (${setting}), not Cachefleet's; it is left as it is.`;
  }
  if (spec.kind === "rotate-key" && backend.kind !== "cachefleet") {
    return "Refusing to rotate the key: this machine does not use Cachefleet's encrypted cache (GOCACHEPROG is not set to its helper); migrate first.";
  }
  return null;
}

/**
 * Creates the key when missing, points GOCACHEPROG at the helper in the GOENV file, then cleans
 * once more: any go command that ran between the clean and the switch (an IDE's `go list`, the
 * agent's own `go env` for a report) wrote plaintext entries, and only a clean after the switch
 * leaves none behind.
 */
export async function enableHelper({ runner, helper: maybeHelper, log, signal }: CacheStepContext): Promise<void> {
  const helper = requireHelper(maybeHelper);
  const key = await helper.keyStore.ensure();
  log(key.created ? `created a new cache key in the ${keyPlace(helper.keyStore.location)}` : `the cache key is already in the ${keyPlace(helper.keyStore.location)}`);
  const { commandLine } = await helper.prepare(signal);
  const written = await runner.runVariable({ action: "set-cacheprog", value: commandLine }, log, signal);
  if (written.exitCode !== 0) throw new GoCommandError("set-cacheprog", written);
  const setting = await readCacheProgSetting(runner, signal);
  if (helper.describe(setting).kind !== "cachefleet") {
    throw new Error(
      `GOCACHEPROG still reads "${setting}" after \`go env -w\`: an environment variable overrides the GOENV file. Remove GOCACHEPROG from the environment, then migrate again.`,
    );
  }
  log(`GOCACHEPROG=${commandLine}`);
  const cleaned = await runner.run("cleanCache", log, signal);
  if (cleaned.exitCode !== 0) throw new GoCommandError("cleanCache", cleaned);
  log("cleaned again now that the helper is on, so no entry written since the first clean stays plaintext");
}

/** Removes GOCACHEPROG from the GOENV file, so the go command uses its own disk cache again. */
export async function disableHelper({ runner, helper: maybeHelper, log, signal }: CacheStepContext): Promise<void> {
  const helper = requireHelper(maybeHelper);
  const backend = helper.describe(await readCacheProgSetting(runner, signal));
  if (backend.kind === "disk") {
    log("GOCACHEPROG is not set: the go command already uses its own disk cache");
    return;
  }
  if (backend.kind === "other") throw new Error(`GOCACHEPROG runs another cache helper (${backend.commandLine}); it is left as it is.`);
  const unset = await runner.run("unsetCacheProg", log, signal);
  if (unset.exitCode !== 0) throw new GoCommandError("unsetCacheProg", unset);
  const after = await readCacheProgSetting(runner, signal);
  if (helper.describe(after).kind !== "disk") {
    throw new Error(`GOCACHEPROG still reads "${after}" after \`go env -u\`: it is set in the environment. Remove it there to finish switching back.`);
  }
  log("removed GOCACHEPROG from the GOENV file: the go command uses its own (plaintext) disk cache again; the key is kept");
}

/**
 * Whether `go build -x` output shows the compiler running: -x prints only the actions that did not
 * come from the cache, so a second build of an unchanged package prints no compile line.
 */
export function compiledIn(buildOutput: string): boolean {
  return buildOutput.split("\n").some((line) => /(^|[/\\])compile(\.exe)?\s/.test(line.trim()));
}

/** A package no other build shares: its token makes the first build a miss and the second a hit. */
function writeProbeModule(): string {
  const module = fs.mkdtempSync(path.join(os.tmpdir(), "cachefleet-probe-"));
  const token = crypto.randomBytes(12).toString("hex");
  fs.writeFileSync(path.join(module, "go.mod"), "module cachefleet.invalid/probe\n\ngo 1.21\n");
  fs.writeFileSync(
    path.join(module, "probe.go"),
    `// Package probe is built twice by the Cachefleet agent's verify step: the second build must be a cache hit.\npackage probe\n\n// Token makes this package new to the cache.\nconst Token = "${token}"\n`,
  );
  return module;
}

/** Builds a new package twice through the helper and fails unless the second build is a cache hit. */
async function probeBuildHits(gocache: string, { runner, helper, log, signal }: CacheStepContext & { helper: CacheHelper }): Promise<void> {
  const module = writeProbeModule();
  try {
    const first = await runner.runVariable({ action: "probe-build", module }, undefined, signal);
    if (first.exitCode !== 0) throw new GoCommandError("probe-build", first);
    if (!compiledIn(first.stderr)) throw new Error("The first probe build compiled nothing, so it cannot show the cache at work.");
    const hitsBefore = helper.readHits(gocache);
    const second = await runner.runVariable({ action: "probe-build", module }, undefined, signal);
    if (second.exitCode !== 0) throw new GoCommandError("probe-build", second);
    const hitsAfter = helper.readHits(gocache);
    if (compiledIn(second.stderr)) {
      throw new Error("The probe build compiled again on its second run: the encrypted cache did not serve what the first run stored.");
    }
    const counted = hitsBefore && hitsAfter ? `; the helper counted ${hitsAfter.hits - hitsBefore.hits} more hits` : "";
    log(`probe build: compiled on the first run, a cache hit on the second${counted}`);
  } finally {
    fs.rmSync(module, { recursive: true, force: true });
  }
}

/** Proves the machine uses the encrypted cache; returns the scan it ends with. */
export async function verifyEncryptedCache({ gocache, ...context }: CacheStepContext & { gocache: string }): Promise<ScanSummary> {
  const helper = requireHelper(context.helper);
  const setting = await readCacheProgSetting(context.runner, context.signal);
  const backend = helper.describe(setting);
  if (backend.kind !== "cachefleet") {
    throw new Error(`GOCACHEPROG is ${setting ? `"${setting}"` : "not set"}, not Cachefleet's helper: builds do not use the encrypted cache.`);
  }
  context.log(`GOCACHEPROG runs Cachefleet's helper ${backend.version}`);
  const place = keyPlace(helper.keyStore.location);
  if (!(await helper.keyStore.exists())) throw new Error(`The cache key is missing from the ${place}: the helper cannot seal or open entries. Migrate again to create it.`);
  context.log(`the cache key is in the ${place}`);
  await probeBuildHits(gocache, { ...context, helper });
  const summary = scanCache(gocache);
  const plaintext = summary.classes.plaintext.count;
  context.log(`${summary.entries.count} entries, ${summary.entries.bytes} bytes; verdict ${summary.verdict}; ${plaintext} plaintext`);
  if (summary.verdict !== "encrypted" || plaintext > 0) {
    throw new Error(`The scan's verdict is ${summary.verdict} with ${plaintext} plaintext entries; an encrypted cache holds none.`);
  }
  return summary;
}
