// What the fleet page asks the dashboard for: one page of machines, sorted, filtered and searched
// on the server. Shared by the router (strict validation) and the page (reading its URL).
import { z } from "zod";
import { pageInput } from "./paging.js";

export const fleetSortColumns = [
  "hostname",
  "user",
  "macosVersion",
  "arch",
  "goVersion",
  "cacheBytes",
  "cacheEntries",
  "verdict",
  "keychainKey",
  "findings",
  /** The machine's health, worst first (critical, warning, healthy), hostnames breaking ties. */
  "health",
  "lastSeen",
  /** Cache growth in bytes per day over the recent report history. */
  "growth",
] as const;
export const FleetSortColumn = z.enum(fleetSortColumns);
export type FleetSortColumn = z.infer<typeof FleetSortColumn>;

/** A cache verdict, or "unscanned" for a machine whose latest report had no scan. */
export const fleetVerdicts = ["mixed", "plaintext", "encrypted", "empty", "unscanned"] as const;
export const FleetVerdict = z.enum(fleetVerdicts);
export type FleetVerdict = z.infer<typeof FleetVerdict>;

export const fleetHealthLevels = ["healthy", "warning", "critical"] as const;

/**
 * The fleet's Keychain key column, from the keychain probe: the cache encryption key present or
 * missing, or "not-applicable" where there is no Keychain and no key file (Linux before a
 * migration). A machine whose probe failed, or that never reported, has none: shown as unknown.
 */
export const keychainKeyStates = ["present", "missing", "not-applicable"] as const;
export const KeychainKeyState = z.enum(keychainKeyStates);
export type KeychainKeyState = z.infer<typeof KeychainKeyState>;
export const maxFleetPageSize = 200;
export const defaultFleetPageSize = 50;

export const FleetQuery = z.strictObject({
  /** page is 1-based; a page past the end answers the last page. */
  ...pageInput({ pageSize: defaultFleetPageSize, maxPageSize: maxFleetPageSize }).shape,
  sort: FleetSortColumn.default("hostname"),
  direction: z.enum(["asc", "desc"]).default("asc"),
  /** Case-insensitive (ASCII) substring of hostname, user, any Go version or the macOS version. */
  search: z.string().trim().max(100).optional(),
  verdict: FleetVerdict.optional(),
  health: z.enum(fleetHealthLevels).optional(),
  /** Whether the agent or its Go runs translated by Rosetta; "unknown" off macOS. */
  arch: z.enum(["native", "rosetta", "unknown"]).optional(),
  /** A toolchain the machine has: "go1.22.2", or every patch release of "go1.22". */
  goVersion: z
    .string()
    .regex(/^go\d{1,3}\.\d{1,3}(\.\d{1,3})?([a-z]{1,8}\d{0,3})?$/, "A Go version such as go1.22 or go1.22.2")
    .optional(),
  /** A key state, or "unknown" for machines without one. */
  keychainKey: z.enum([...keychainKeyStates, "unknown"]).optional(),
  findings: z.enum(["some", "none"]).optional(),
  /** Offline: not seen for the team policy's offlineAfterMinutes. */
  presence: z.enum(["online", "offline"]).optional(),
});
export type FleetQuery = z.infer<typeof FleetQuery>;
export type FleetQueryInput = z.input<typeof FleetQuery>;
