// What the plan steps, the probes and the CLI need from the encrypted cache helper and its key
// store: the exact GOCACHEPROG value, how to read one back, the key's presence and age, the hit
// counters and a key rotation. One small interface, so the steps are written (and read) without
// the helper's internals, and a machine whose agent has no helper wired says so plainly.
import type { CacheBackend, CacheHitFigures, KeyLocation } from "@cachefleet/contract";

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
