// The audit's checks as people read them. The check names and their health rules are the server's
// (auditChecks in @cachefleet/db); this adds titles, what a check means, and whether a migration fixes it.
import type { AuditCheck } from "@cachefleet/db";

export interface CheckInfo {
  title: string;
  description: string;
  /** The one health rule a push targets, when migrating the cache is what fixes the check. */
  migrateRule: string | null;
}

export const checkInfo: Record<AuditCheck, CheckInfo> = {
  "plaintext": {
    title: "Plaintext cache",
    description: "The cache is plaintext while the team policy requires encryption for this Go version.",
    migrateRule: "plaintext-cache",
  },
  "mixed": {
    title: "Mixed cache",
    description: "Plaintext and encrypted entries in one cache: the state behind “build ID mismatch” rebuild loops.",
    migrateRule: "mixed-cache",
  },
  "keychain-missing": {
    title: "Cache key missing",
    description: "No encryption key (the Keychain item on macOS, the agent's key file elsewhere) although the policy requires encryption; a migration creates it.",
    migrateRule: "keychain-missing",
  },
  "shared-across-versions": {
    title: "Shared across Go versions",
    description: "The cache still holds entries of an earlier Go release and was not cleaned since.",
    migrateRule: "shared-across-versions",
  },
  "rosetta": {
    title: "Go under Rosetta",
    description: "An amd64 Go toolchain runs translated on Apple Silicon; install the arm64 toolchain first.",
    migrateRule: null,
  },
  "permissions": {
    title: "GOCACHE permissions",
    description: "GOCACHE is missing, not a folder, not the user's, not writable, without hard links, or short of disk.",
    migrateRule: null,
  },
  "env-not-persisted": {
    title: "Environment not persisted",
    description: "No LaunchAgent puts GOBIN on PATH, so IDEs and other GUI apps do not see the Go tools.",
    migrateRule: null,
  },
  "key-rotation-due": {
    title: "Key older than the rotation age",
    description: "The cache encryption key is older than the policy's rotation age; push “Rotate key” from the machine page, or run `cachefleet-agent rotate-key`.",
    migrateRule: null,
  },
  "low-hit-rate": {
    title: "Low hit rate",
    description: "The encrypted cache served fewer than half of at least 200 lookups: builds rarely reuse it (a GOCACHE per checkout, caches cleaned by scripts).",
    migrateRule: null,
  },
  "stale-trim": {
    title: "Stale trim",
    description: "Go has not trimmed the cache for over 2 days while entries unused for 5 days wait; a trim frees them.",
    migrateRule: null,
  },
  "network-fs": {
    title: "Cache on a network or external disk",
    description: "GOCACHE is on a network, FUSE or removable file system, where cmd/go's cache is not safe or comes and goes; move it to the internal disk.",
    migrateRule: null,
  },
  "icloud": {
    title: "Cache synced by iCloud",
    description: "GOCACHE lies in a folder iCloud Drive syncs, which keeps bird busy with every build; move it to ~/Library/Caches.",
    migrateRule: null,
  },
  "time-machine": {
    title: "Cache in Time Machine backups",
    description: "Time Machine backs up GOCACHE, which is rebuilt from source anyway; push “Exclude from backup”.",
    migrateRule: null,
  },
  "spotlight": {
    title: "Cache indexed by Spotlight",
    description: "Spotlight indexes GOCACHE; exclude it in Spotlight's Privacy settings or keep it under a .noindex folder.",
    migrateRule: null,
  },
  "filevault": {
    title: "FileVault off",
    description: "The disk under the build cache is not encrypted at rest; turn on FileVault.",
    migrateRule: null,
  },
};

export const checkNames = Object.keys(checkInfo) as AuditCheck[];

export function isAuditCheck(value: string | null | undefined): value is AuditCheck {
  return value !== null && value !== undefined && Object.hasOwn(checkInfo, value);
}
