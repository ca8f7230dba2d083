// The Go tools installed in GOBIN (or GOPATH/bin): for each executable, `go version -m` tells its
// module, version and the Go release that built it. Executables without Go build info are listed
// as such, not as errors.
import fs from "node:fs";
import path from "node:path";
import { probeLimits, type GoEnv, type InstalledTool, type ToolsProbe } from "@cachefleet/contract";
import { clip, failed, hasCode, mapLimited, notApplicable } from "./answer.js";
import type { ProbeContext } from "./context.js";
import { resolveGoBinary } from "./go-toolchain.js";
import { gobinOf } from "./persistence.js";

function executableFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    // Regular files only: a symlink may point anywhere, and `go install` never makes one.
    if (!entry.isFile()) continue;
    try {
      if ((fs.lstatSync(path.join(dir, entry.name)).mode & 0o111) !== 0) files.push(entry.name);
    } catch {
      // Gone between listing and stat: nothing to report.
    }
  }
  return files.sort();
}

export async function probeTools(context: ProbeContext, env: GoEnv | null): Promise<ToolsProbe> {
  if (!env) return failed("GOBIN is unknown because `go env` failed.");
  const gobin = gobinOf(env);
  if (!gobin) return notApplicable("Neither GOBIN nor GOPATH is set.");
  const dir = clip(gobin.dir, 4096);
  try {
    let names: string[];
    try {
      names = executableFiles(gobin.dir);
    } catch (error) {
      if (hasCode(error, "ENOENT")) return { status: "ok", dir, dirFrom: gobin.from, exists: false, binaries: [], total: 0, truncated: false };
      throw error;
    }
    const go = resolveGoBinary(context.go.binary, context.pathDirs);
    if (!go) return failed(`The go binary "${clip(context.go.binary, 1000)}" was not found.`);
    const chosen = names.slice(0, probeLimits.tools);
    const binaries = await mapLimited(chosen, 4, async (name): Promise<InstalledTool> => {
      const shortName = clip(name, 256);
      const result = await context.buildInfo.read(context.commands, go, path.join(gobin.dir, name));
      if (result.kind === "go") {
        return { kind: "go", name: shortName, goVersion: result.info.goVersion, path: result.info.path, module: result.info.module };
      }
      if (result.kind === "not-go") return { kind: "not-go", name: shortName };
      return { kind: "error", name: shortName, message: result.message };
    });
    return { status: "ok", dir, dirFrom: gobin.from, exists: true, binaries, total: names.length, truncated: names.length > chosen.length };
  } catch (error) {
    return failed(error);
  }
}
