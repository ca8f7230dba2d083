// Each health rule named in words, for people who choose among rules (the fleet's push to every
// machine failing a rule, remediations): a finding's own title describes one machine's case, this
// names the rule itself. A Record, so a new rule cannot be added without its name.
import type { Rule } from "./rules.js";

export const ruleTitles: Record<Rule, string> = {
  "go-unavailable": "Go could not be run",
  "scan-failed": "The cache could not be scanned",
  "mixed-cache": "Mixed cache (plaintext and encrypted entries)",
  "plaintext-cache": "Plaintext cache where policy requires encryption",
  "go-too-old-for-encryption": "Go too old for the encrypted cache",
  "key-rotation-due": "Cache key older than the rotation age",
  "rosetta-toolchain": "Go under Rosetta",
  "keychain-missing": "Cache key missing",
  "gocache-missing": "GOCACHE missing",
  "gocache-not-directory": "GOCACHE not a folder",
  "gocache-not-owned": "GOCACHE owned by another user",
  "gocache-not-writable": "GOCACHE not writable",
  "gocache-no-hard-links": "No hard links where GOCACHE lives",
  "gocache-low-disk": "Low free disk under GOCACHE",
  "env-not-persisted": "GOBIN not on the PATH of GUI apps",
  "shared-across-versions": "Cache shared across Go versions",
  "probe-failed": "Some facts could not be read",
  "cache-too-large": "Cache larger than the team's limit",
  "stale-trim": "Stale trim",
  "gocache-network-fs": "GOCACHE on a network file system",
  "gocache-removable": "GOCACHE on a removable volume",
  "gocache-icloud": "GOCACHE synced by iCloud Drive",
  "gocache-backed-up": "GOCACHE in Time Machine backups",
  "gocache-indexed": "GOCACHE indexed by Spotlight",
  "filevault-off": "FileVault off",
};

/** The rule's name in words; an id no rule has (a remediation saved for a rule since removed) as it is. */
export function ruleTitle(rule: string): string {
  return Object.hasOwn(ruleTitles, rule) ? ruleTitles[rule as Rule] : rule;
}
