// What the agent remembers between runs, per GOCACHE: the Go version each scan saw and the last
// clean. A cache written by one Go version and then used by another is one of the two states that
// cause rebuild loops, and only this history can tell it. Kept in a 0600 JSON file, written
// atomically; a damaged file is replaced rather than trusted.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const VersionSeen = z.object({
  version: z.string(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});
export type VersionSeen = z.infer<typeof VersionSeen>;

const CacheHistory = z.object({
  /** Runs of one version in the order seen; a new entry starts whenever the version changes. */
  versions: z.array(VersionSeen),
  lastCleanAt: z.iso.datetime().nullable(),
});
export type CacheHistory = z.infer<typeof CacheHistory>;

const AgentState = z.object({
  version: z.literal(1),
  caches: z.record(z.string(), CacheHistory),
});
export type AgentState = z.infer<typeof AgentState>;

/** Enough history to see the last change, without growing forever. */
const maxVersionsPerCache = 16;
const maxCaches = 32;

export function statePath(agentHome: string): string {
  return path.join(agentHome, "state.json");
}

export function emptyState(): AgentState {
  return { version: 1, caches: {} };
}

export function loadState(file: string): AgentState {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return emptyState();
    throw error;
  }
  try {
    const parsed = AgentState.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : emptyState();
  } catch {
    return emptyState();
  }
}

export function saveState(file: string, state: AgentState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  // A temp file renamed into place, so a crash never leaves half a state and readers never see one.
  fs.writeFileSync(temporary, `${JSON.stringify(AgentState.parse(state), null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}

function historyOf(state: AgentState, gocache: string): CacheHistory {
  return state.caches[gocache] ?? { versions: [], lastCleanAt: null };
}

function withHistory(state: AgentState, gocache: string, history: CacheHistory): AgentState {
  const caches = { ...state.caches, [gocache]: history };
  // Forget the caches seen longest ago first. ISO timestamps order as plain strings; localeCompare
  // would load ICU's collation into the daemon (~1.8 MB that stay resident) for the same order.
  const lastSeen = (entry: CacheHistory) => entry.versions.at(-1)?.lastSeenAt ?? entry.lastCleanAt ?? "";
  const newestFirst = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  const kept = Object.entries(caches)
    .sort(([, a], [, b]) => newestFirst(lastSeen(a), lastSeen(b)))
    .slice(0, maxCaches);
  return { version: 1, caches: Object.fromEntries(kept) };
}

/** Records that a scan at `at` saw `goVersion` using `gocache`. Pure. */
export function recordScan(state: AgentState, gocache: string, goVersion: string, at: Date): AgentState {
  const history = historyOf(state, gocache);
  const stamp = at.toISOString();
  const last = history.versions.at(-1);
  const versions =
    last && last.version === goVersion
      ? [...history.versions.slice(0, -1), { ...last, lastSeenAt: stamp }]
      : [...history.versions, { version: goVersion, firstSeenAt: stamp, lastSeenAt: stamp }];
  return withHistory(state, gocache, { ...history, versions: versions.slice(-maxVersionsPerCache) });
}

/** Records a `go clean -cache` of `gocache` at `at`. Pure. */
export function recordClean(state: AgentState, gocache: string, at: Date): AgentState {
  return withHistory(state, gocache, { ...historyOf(state, gocache), lastCleanAt: at.toISOString() });
}

export interface Drift {
  currentVersion: string;
  currentSince: string;
  previousVersion: string | null;
  previousLastSeenAt: string | null;
  lastCleanAt: string | null;
  sharedAcrossVersions: boolean;
}

/**
 * Whether the cache holds entries from before the last Go version change: its oldest entry is older
 * than the first scan that saw the current version, and no clean happened after the previous
 * version was last seen (a clean from before then was followed by that version refilling the cache).
 * Null when no scan of this cache was recorded.
 */
export function assessDrift(history: CacheHistory | undefined, oldestEntryAt: string | null): Drift | null {
  const current = history?.versions.at(-1);
  if (!history || !current) return null;
  const previous = history.versions.at(-2) ?? null;
  const cleanedSinceChange =
    previous !== null && history.lastCleanAt !== null && Date.parse(history.lastCleanAt) >= Date.parse(previous.lastSeenAt);
  const entriesFromBefore = oldestEntryAt !== null && Date.parse(oldestEntryAt) < Date.parse(current.firstSeenAt);
  return {
    currentVersion: current.version,
    currentSince: current.firstSeenAt,
    previousVersion: previous?.version ?? null,
    previousLastSeenAt: previous?.lastSeenAt ?? null,
    lastCleanAt: history.lastCleanAt,
    sharedAcrossVersions: previous !== null && entriesFromBefore && !cleanedSinceChange,
  };
}

/** A read-modify-write of the state file, for callers that only record. */
export function updateState(file: string, change: (state: AgentState) => AgentState): AgentState {
  const next = change(loadState(file));
  saveState(file, next);
  return next;
}
