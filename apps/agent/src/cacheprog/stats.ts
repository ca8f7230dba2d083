// Reads the helper's stats file: the running totals it keeps per GOCACHE (see helper/main.go,
// writeStats), validated with the contract's schema since another process wrote them.
import fs from "node:fs";
import path from "node:path";
import { CacheProgStats, cacheProgStatsFile } from "@cachefleet/contract";

/** The helper's totals for this GOCACHE, or null when it has none (never used) or they are unreadable. */
export function readCacheProgStats(gocache: string): CacheProgStats | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(gocache, cacheProgStatsFile), "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = CacheProgStats.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
