// `cachefleet-agent scan`: a one-off scan of GOCACHE, printed. Read-only: it neither reads nor
// saves the daemon's scan state, so the figures always come from the disk.
import path from "node:path";
import { scanCacheIncremental } from "@cachefleet/gocache";
import { readGoEnv } from "../../commands.js";
import { scanThreads } from "../../report.js";
import { formatBytes } from "../../status-view.js";
import { flag, probeContext, text } from "../context.js";
import type { CommandHandler } from "../table.js";

export const scan: CommandHandler = async ({ values, env, readOnly }) => {
  const given = text(values, "gocache");
  const gocache = given ? path.resolve(given) : (await readGoEnv(probeContext(env, readOnly).go)).GOCACHE;
  const { summary } = await scanCacheIncremental(gocache, null, { threads: scanThreads });
  if (flag(values, "json")) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  console.log(`${summary.gocache}: ${summary.entries.count} entries, ${formatBytes(summary.entries.bytes)}; verdict ${summary.verdict}`);
  for (const [name, tally] of Object.entries(summary.classes)) console.log(`  ${name.padEnd(10)} ${String(tally.count).padStart(8)}  ${formatBytes(tally.bytes)}`);
  if (summary.trim) {
    const { lastTrimAt, unused } = summary.trim;
    console.log(`  last trim ${lastTrimAt ?? "never (no trim.txt)"}; unused by Go's rule: ${unused.count} entries, ${formatBytes(unused.bytes)}`);
  }
  return 0;
};
