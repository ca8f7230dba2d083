// `cachefleet-agent cacheprog` (compile the encrypted cache helper, print its GOCACHEPROG value, or
// its hit counts) and `rotate-key`.
import { prepareCacheProg, readCacheProgStats, rotateCacheKey } from "../../cacheprog/index.js";
import { defaultToolPath, readGoEnv } from "../../commands.js";
import { agentHome } from "../../env.js";
import { createKeyStore, currentAccount } from "../../keystore.js";
import type { ProbeContext } from "../../probes/context.js";
import { resolveGoBinary } from "../../probes/go-toolchain.js";
import type { AgentEnv } from "../../env.js";
import { flag, probeContext } from "../context.js";
import type { CommandHandler } from "../table.js";

function keyStoreOf(env: AgentEnv, probes: ProbeContext) {
  return createKeyStore({ platform: probes.platform, agentHome: agentHome(env), account: currentAccount(), commands: probes.commands, toolPath: defaultToolPath(env.PATH) });
}

export const cacheprog: CommandHandler = async ({ values, env, readOnly }) => {
  const probes = probeContext(env, readOnly);
  const gocache = (await readGoEnv(probes.go)).GOCACHE;
  if (flag(values, "stats")) {
    process.stdout.write(`${JSON.stringify(readCacheProgStats(gocache), null, 2)}\n`);
    return 0;
  }
  const go = resolveGoBinary(probes.go.binary, probes.pathDirs);
  if (!go) throw new Error(`No go binary found to compile the cache helper (${probes.go.binary}).`);
  const { commandLine } = await prepareCacheProg({ go, commands: probes.commands, agentHome: agentHome(env), keyStore: keyStoreOf(env, probes), log: (line) => console.error(line) });
  console.log(commandLine);
  return 0;
};

export const rotateKey: CommandHandler = async ({ env, readOnly }) => {
  const probes = probeContext(env, readOnly);
  const gocache = (await readGoEnv(probes.go)).GOCACHE;
  const { resealed, dropped } = await rotateCacheKey({ gocache, keyStore: keyStoreOf(env, probes), log: (line) => console.log(line) });
  console.log(`Rotated the cache key: ${resealed} entries re-sealed, ${dropped} dropped.`);
  return 0;
};
