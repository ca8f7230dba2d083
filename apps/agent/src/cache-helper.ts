// What the plan steps, the probes and the CLI need from the encrypted cache helper and its key
// store: the exact GOCACHEPROG value, how to read one back, the key's presence and age, the hit
// counters and a key rotation. One small interface (wired to cacheprog/ and keystore.ts by
// createCacheHelper), so the steps read without the helper's internals and tests can point it at
// their own folders.
import type { CacheBackend, CacheHitFigures, CacheProgStats, KeyLocation } from "@cachefleet/contract";
import { describeCacheProg, prepareCacheProg, readCacheProgStats, rotateCacheKey } from "./cacheprog/index.js";
import type { CommandRunner } from "./commands.js";
import type { KeyStore } from "./keystore.js";

export interface CacheKeyStore {
  /** Where the key lives on this machine: the macOS Keychain, or a 0600 file elsewhere. */
  readonly location: KeyLocation;
  exists(): Promise<boolean>;
  /** Creates the key when missing; never returns or logs the secret. */
  ensure(): Promise<{ created: boolean }>;
  createdAt(): Promise<Date | null>;
}

export interface KeyRotation {
  resealed: number;
  dropped: number;
}

export interface CacheHelper {
  /** The exact GOCACHEPROG value that runs this agent's helper (quoted for the go command's field splitting). */
  prepare(signal?: AbortSignal): Promise<{ commandLine: string }>;
  /** What a GOCACHEPROG value names: nothing (Go's disk cache), this helper, or another program. */
  describe(value: string): CacheBackend;
  readonly keyStore: CacheKeyStore;
  /** The helper's counters for this GOCACHE, or null when it has kept none. */
  readHits(gocache: string): CacheHitFigures | null;
  /** Re-seals every entry under a new key; the old key is deleted only once all of them open with the new one. */
  rotateKey(options: { gocache: string; log: (line: string) => void; signal: AbortSignal }): Promise<KeyRotation>;
}

/** The helper's stats file as a report carries it: whole milliseconds, UTC times. */
export function hitFiguresOf(stats: CacheProgStats): CacheHitFigures {
  return {
    gets: stats.gets,
    hits: stats.hits,
    misses: stats.misses,
    puts: stats.puts,
    bytesServed: stats.bytesServed,
    bytesWritten: stats.bytesWritten,
    busyMs: Math.round(stats.busyMs),
    since: new Date(stats.since).toISOString(),
  };
}

export interface CacheHelperOptions {
  /** The absolute go binary the agent runs (it compiles the helper); null when none was found. */
  go: string | null;
  commands: CommandRunner;
  agentHome: string;
  keyStore: KeyStore;
  /** Where compiled helpers are kept, instead of `<agentHome>/cacheprog` (tests share one). */
  helperDir?: string;
  /** Lines from compiling the helper. */
  log?: (line: string) => void;
}

export function createCacheHelper(options: CacheHelperOptions): CacheHelper {
  const { keyStore } = options;
  return {
    keyStore,
    async prepare(signal) {
      if (!options.go) throw new Error("No go binary was found to compile the encrypted cache helper with.");
      return prepareCacheProg({
        go: options.go,
        commands: options.commands,
        agentHome: options.agentHome,
        keyStore,
        ...(options.helperDir ? { helperDir: options.helperDir } : {}),
        ...(options.log ? { log: options.log } : {}),
        ...(signal ? { signal } : {}),
      });
    },
    describe: (value) => describeCacheProg(value),
    readHits(gocache) {
      const stats = readCacheProgStats(gocache);
      return stats ? hitFiguresOf(stats) : null;
    },
    rotateKey: ({ gocache, log, signal }) => rotateCacheKey({ gocache, keyStore, log, signal }),
  };
}
