// The persist-env remediation (macOS): GOBIN set with `go env -w` when it is unset, and a
// LaunchAgent (fixed content, from @cachefleet/contract) that runs `launchctl setenv PATH …` at
// login so GUI apps find the Go tools. Reversible: the step log says how to undo it, and a plist
// already there under the same name is kept beside the new one.
import fs from "node:fs";
import path from "node:path";
import { gobinLaunchAgentPlist, gobinPathLabel, persistEnvUndo } from "@cachefleet/contract";
import type { CommandRunner, GoRunner } from "./commands.js";
import { readGoEnv } from "./commands.js";

export interface PersistEnvContext {
  go: GoRunner;
  commands: CommandRunner;
  home: string;
  uid: number;
  now: Date;
  log: (line: string) => void;
}

export async function persistEnv(context: PersistEnvContext): Promise<{ plist: string; gobin: string }> {
  const env = await readGoEnv(context.go);
  let gobin = env.GOBIN;
  const gobinWasSet = gobin !== "";
  if (!gobinWasSet) {
    const gopath = env.GOPATH.split(path.delimiter)[0] ?? "";
    if (!path.isAbsolute(gopath)) throw new Error(`GOBIN is unset and GOPATH (${JSON.stringify(env.GOPATH)}) gives no folder to use.`);
    gobin = path.join(gopath, "bin");
    const written = await context.commands.run({ kind: "go-env-write-gobin", go: context.go.binary, gobin }, context.log);
    if (written.exitCode !== 0) throw new Error(`go env -w GOBIN exited ${written.exitCode}: ${written.stderr.trim()}`);
    context.log(`go env -w GOBIN=${gobin}`);
  }
  const folder = path.join(context.home, "Library", "LaunchAgents");
  const plist = path.join(folder, `${gobinPathLabel}.plist`);
  const content = gobinLaunchAgentPlist(gobin);
  fs.mkdirSync(folder, { recursive: true });
  let existing: string | null = null;
  try {
    existing = fs.readFileSync(plist, "utf8");
  } catch {
    existing = null;
  }
  if (existing !== content) {
    if (existing !== null) {
      const kept = `${plist}.before-${context.now.toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(plist, kept);
      context.log(`kept the previous ${path.basename(plist)} as ${kept}`);
    }
    const temporary = `${plist}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, content, { mode: 0o644 });
    fs.renameSync(temporary, plist);
    context.log(`wrote ${plist}`);
  }
  // Loading it now sets the PATH for apps started from here on; at every login launchd loads it itself.
  const loaded = await context.commands.run({ kind: "launchctl-bootstrap", uid: context.uid, plist }, context.log);
  if (loaded.exitCode === 5) context.log(`${gobinPathLabel} is already loaded; the new PATH applies from the next login`);
  else if (loaded.exitCode !== 0) throw new Error(`launchctl bootstrap exited ${loaded.exitCode}: ${loaded.stderr.trim()}`);
  context.log(`to undo: ${persistEnvUndo(plist, gobinWasSet)}`);
  return { plist, gobin };
}
