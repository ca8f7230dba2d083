// What a GOCACHEPROG value names: nothing (Go's disk cache), Cachefleet's helper (and which
// version), or another program (a team's remote cache, never overwritten without consent). Pure.
import path from "node:path";
import { splitQuoted } from "./quoted.js";

/** The helper's file name: `cachefleet-cacheprog-<version>`. */
export const helperBinaryPrefix = "cachefleet-cacheprog-";

export type CacheProgDescription = { kind: "disk" } | { kind: "cachefleet"; version: string } | { kind: "other"; commandLine: string };

export function describeCacheProg(goCacheProgValue: string): CacheProgDescription {
  const value = goCacheProgValue.trim();
  if (value === "") return { kind: "disk" };
  let fields: string[];
  try {
    fields = splitQuoted(value);
  } catch {
    return { kind: "other", commandLine: value };
  }
  const program = fields[0];
  if (program === undefined) return { kind: "disk" };
  const name = path.basename(program);
  if (name.startsWith(helperBinaryPrefix) && name.length > helperBinaryPrefix.length) {
    return { kind: "cachefleet", version: name.slice(helperBinaryPrefix.length) };
  }
  return { kind: "other", commandLine: value };
}
