// The digest of a full report, computed the same way by the agent (over the report it sends) and
// the dashboard (over the report it stored): SHA-256 of canonical JSON, where object keys are
// sorted, so the order an object was built in does not matter. Kept out of the package's main
// entry because it needs node:crypto, and the browser bundles that entry's schemas.
import { createHash } from "node:crypto";
import type { AgentReport } from "./report.js";

/** JSON with every object's keys in code-unit order; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  const members = Object.entries(value)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
  return `{${members.join(",")}}`;
}

/** The digest of one full report, as the heartbeat carries it (64 lowercase hex digits). */
export function reportDigest(report: AgentReport): string {
  return createHash("sha256").update(canonicalJson(report)).digest("hex");
}
