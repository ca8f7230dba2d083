// Whether GOCACHE is shared across Go versions: records the GOVERSION of this scan in the agent's
// state and compares the cache's oldest entry with the first scan that saw the current version.
import type { GoEnv, ScanProbe, VersionDriftProbe } from "@cachefleet/contract";
import { assessDrift, loadState, recordScan, saveState } from "../agent-state.js";
import { clip, errorMessage, failed, notApplicable } from "./answer.js";

/** `save: false` judges this scan against the saved history without recording it (`status`). */
export function probeVersionDrift(env: GoEnv | null, scan: ScanProbe, stateFile: string, now: Date, save = true): VersionDriftProbe {
  if (!env) return failed("GOVERSION is unknown because `go env` failed.");
  if (env.GOCACHE === "off") return notApplicable("The build cache is turned off (GOCACHE=off).");
  if (!env.GOCACHE || !env.GOVERSION) return failed("`go env` printed no GOCACHE or GOVERSION.");
  try {
    const state = recordScan(loadState(stateFile), env.GOCACHE, env.GOVERSION, now);
    let saveProblem: string | null = null;
    if (save) {
      try {
        saveState(stateFile, state);
      } catch (error) {
        saveProblem = errorMessage(error);
      }
    }
    if (scan.status !== "ok") return failed(`The cache scan did not succeed, so the age of its entries is unknown (${scan.message}).`);
    const drift = assessDrift(state.caches[env.GOCACHE], scan.summary.oldestEntryAt);
    if (!drift) return failed("No scan of this cache was recorded.");
    // Without a saved history the next report could not see a version change: say so.
    if (saveProblem) return failed(`Could not save the agent state to ${stateFile}: ${saveProblem}`);
    return { status: "ok", gocache: clip(env.GOCACHE, 4096), ...drift, currentVersion: clip(drift.currentVersion, 256), previousVersion: drift.previousVersion === null ? null : clip(drift.previousVersion, 256), oldestEntryAt: scan.summary.oldestEntryAt };
  } catch (error) {
    return failed(error);
  }
}
