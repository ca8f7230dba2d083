// A real mixed Go 1.24 cache, reached the way a developer reaches one: plaintext entries from
// builds made before the encrypted cache helper, then the helper switched on without cleaning this
// cache (here by a local `cachefleet-agent migrate` of another cache folder, which writes
// GOCACHEPROG to the go env file both share and creates the key), then a build that adds sealed
// entries next to the old plaintext ones. Or, as a team with its own cache program has it, the
// same with GOCACHEPROG naming another program (a copy of the helper at the team's own path).
import fs from "node:fs";
import path from "node:path";
import { execa } from "execa";
import type { AgentProcess } from "./agent-process.js";
import { fillGoCache, go124, goEnvironment } from "./go-cache.js";

/** Fills `root`'s GOCACHE as above and resolves to its path; the caller checks the scan says mixed. */
export async function fillMixedGoCache(root: string, agent: AgentProcess, options: { teamsOwnHelper?: boolean } = {}, goBinary: string = go124): Promise<string> {
  const gocache = await fillGoCache(root, goBinary);
  // Another cache folder, migrated for real: the helper compiled, the key made, GOCACHEPROG set.
  const otherCache = path.join(root, "go-build-tried-first");
  await agent.cli(["migrate", "--yes", "--no-backup"], { GOCACHE: otherCache });
  fs.rmSync(otherCache, { recursive: true, force: true });
  const goEnv = { ...process.env, ...goEnvironment(root) };
  if (options.teamsOwnHelper) {
    const { stdout } = await execa(goBinary, ["env", "GOCACHEPROG"], { env: goEnv });
    const [helper = "", ...args] = stdout.trim().split(" ");
    const teamProgram = path.join(root, "team-cache", "gocacheprog");
    fs.mkdirSync(path.dirname(teamProgram), { recursive: true });
    fs.copyFileSync(helper, teamProgram);
    fs.chmodSync(teamProgram, 0o755);
    await execa(goBinary, ["env", "-w", `GOCACHEPROG=${[teamProgram, ...args].join(" ")}`], { env: goEnv });
  }

  const module = path.join(root, "after-switch");
  fs.mkdirSync(module, { recursive: true });
  fs.writeFileSync(path.join(module, "go.mod"), "module example.com/afterswitch\n\ngo 1.21\n");
  fs.writeFileSync(path.join(module, "main.go"), 'package main\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\nfunc main() {\n\tfmt.Println(strings.ToUpper("sealed"))\n}\n');
  await execa(goBinary, ["build", "-o", path.join(root, "after-switch-bin"), "."], { cwd: module, env: goEnv });
  return gocache;
}
