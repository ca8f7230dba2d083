// Health rules: a machine's facts plus team policy give findings, each with what to do. Pure, and
// shared by the agent (`cachefleet-agent status`) and the dashboard.
import type { GoProbe, ScanProbe } from "@cachefleet/contract";
import { isGoVersionAtLeast } from "./go-version.js";

export type Severity = "info" | "warning" | "critical";
export type Health = "healthy" | "warning" | "critical";

export interface TeamPolicy {
  /** Caches must be encrypted from this Go release on ("1.22"); null when not required. */
  requireEncryptedFromGo: string | null;
}

export const defaultPolicy: TeamPolicy = { requireEncryptedFromGo: "1.22" };

export interface MachineFacts {
  go: GoProbe;
  scan: ScanProbe;
}

export interface Finding {
  rule: "go-unavailable" | "scan-failed" | "mixed-cache" | "plaintext-cache";
  severity: Severity;
  title: string;
  action: string;
}

export function evaluateHealth(facts: MachineFacts, policy: TeamPolicy = defaultPolicy): Finding[] {
  const findings: Finding[] = [];
  if (facts.go.status === "error") {
    findings.push({
      rule: "go-unavailable",
      severity: "critical",
      title: `Go could not be run: ${facts.go.message}`,
      action: "Install Go or put it on the agent's PATH, then rescan.",
    });
  }
  if (facts.scan.status === "error") {
    findings.push({
      rule: "scan-failed",
      severity: "warning",
      title: `The build cache could not be scanned: ${facts.scan.message}`,
      action: "Check that GOCACHE exists and is readable by the developer's account.",
    });
  }
  if (facts.scan.status === "ok") {
    const { verdict, classes } = facts.scan.summary;
    if (verdict === "mixed") {
      findings.push({
        rule: "mixed-cache",
        severity: "critical",
        title: `The cache mixes ${classes.plaintext.count} plaintext and ${classes.encrypted.count} encrypted entries`,
        action: "Migrate the cache: mixed caches cause “build ID mismatch” rebuild loops.",
      });
    }
    const goVersion = facts.go.status === "ok" ? facts.go.env.GOVERSION : "";
    const required = policy.requireEncryptedFromGo;
    if (verdict === "plaintext" && required !== null && isGoVersionAtLeast(goVersion, required)) {
      findings.push({
        rule: "plaintext-cache",
        severity: "warning",
        title: `The cache holds ${classes.plaintext.count} plaintext entries; team policy requires encryption from Go ${required}`,
        action: "Migrate the cache so it is rebuilt encrypted.",
      });
    }
  }
  return findings;
}

export function overallHealth(findings: readonly Finding[]): Health {
  if (findings.some((finding) => finding.severity === "critical")) return "critical";
  if (findings.some((finding) => finding.severity === "warning")) return "warning";
  return "healthy";
}
