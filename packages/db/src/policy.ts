// The team's policy: one row, created with the defaults the first time it is read; changing it
// is logged, and every machine's findings are evaluated again under it.
import { StoredAgentReport, type AgentReport } from "@cachefleet/contract";
import type { Db } from "./client.js";
import { recordActivity } from "./activity.js";
import { maxIdsPerStatement } from "./batching.js";
import { decodePayload } from "./payload.js";
import type { ReportEvaluation } from "./machines.js";

export interface TeamPolicyRow {
  requireEncryption: boolean;
  /** Go version from which an encrypted cache is required, e.g. "1.22" */
  requireEncryptedFromGo: string;
  /** A cache larger than this is a warning */
  cacheSizeWarningBytes: number;
  /** A machine not seen for this long is offline */
  offlineAfterMinutes: number;
  /** Rotate the cache key at least every this many days; null when the team sets no age */
  rotateKeyEveryDays: number | null;
  updatedAt: Date;
  updatedByEmail: string | null;
}

const teamPolicyId = "team";

export async function getPolicy(db: Db): Promise<TeamPolicyRow> {
  const row = await db.policy.upsert({ where: { id: teamPolicyId }, create: { id: teamPolicyId }, update: {} });
  return { ...row, cacheSizeWarningBytes: Number(row.cacheSizeWarningBytes) };
}

export interface PolicyInput {
  requireEncryption: boolean;
  requireEncryptedFromGo: string;
  cacheSizeWarningBytes: number;
  offlineAfterMinutes: number;
  rotateKeyEveryDays: number | null;
}

/** Saves the team policy and records what changed ("policy.changed", with before and after). */
export async function updatePolicy(db: Db, input: PolicyInput, actorEmail: string): Promise<{ before: TeamPolicyRow; after: TeamPolicyRow }> {
  const before = await getPolicy(db);
  const row = await db.policy.update({
    where: { id: teamPolicyId },
    data: { ...input, cacheSizeWarningBytes: BigInt(input.cacheSizeWarningBytes), updatedByEmail: actorEmail },
  });
  const after = { ...row, cacheSizeWarningBytes: Number(row.cacheSizeWarningBytes) };
  await recordActivity(db, { actorEmail, action: "policy.changed", subject: teamPolicyId, detail: { before: policyFields(before), after: policyFields(after) } });
  return { before, after };
}

function policyFields(policy: TeamPolicyRow): PolicyInput {
  const { requireEncryption, requireEncryptedFromGo, cacheSizeWarningBytes, offlineAfterMinutes, rotateKeyEveryDays } = policy;
  return { requireEncryption, requireEncryptedFromGo, cacheSizeWarningBytes, offlineAfterMinutes, rotateKeyEveryDays };
}

export interface ReevaluationOutcome {
  /** Enrolled machines with a report, all evaluated again. */
  evaluated: number;
  /** Machines whose overall health (healthy / warning / critical) changed. */
  healthChanged: number;
  /** Machines whose list of failing rules changed (a superset of healthChanged, give or take). */
  findingsChanged: number;
}

/** How many machines one round reads, evaluates and writes back. */
const reevaluationBatch = maxIdsPerStatement;

/**
 * Evaluates every enrolled machine's latest report again (after a policy change) and stores the
 * new health, findings count and failing rules. Machines are read in id order, a batch at a time,
 * and only changed machines are written: one statement per distinct outcome within a batch, since
 * most machines of a batch land on the same few outcomes.
 */
export async function reevaluateFindings(db: Db, evaluate: (report: AgentReport) => ReportEvaluation): Promise<ReevaluationOutcome> {
  const outcome: ReevaluationOutcome = { evaluated: 0, healthChanged: 0, findingsChanged: 0 };
  let afterId: string | undefined;
  for (;;) {
    const machines = await db.machine.findMany({
      where: { revokedAt: null, latestReportId: { not: null }, ...(afterId ? { id: { gt: afterId } } : {}) },
      select: { id: true, latestReportId: true, health: true, findingRules: true, findingsCount: true },
      orderBy: { id: "asc" },
      take: reevaluationBatch,
    });
    const last = machines.at(-1);
    if (!last) return outcome;
    afterId = last.id;
    const reportIds = machines.flatMap((machine) => (machine.latestReportId ? [machine.latestReportId] : []));
    const reports = await db.report.findMany({ where: { id: { in: reportIds } }, select: { id: true, payload: true } });
    const payloads = new Map(reports.map((report) => [report.id, report.payload]));
    const changes = new Map<string, { health: string; findingsCount: number; findingRules: string; ids: string[] }>();
    for (const machine of machines) {
      const payload = machine.latestReportId ? payloads.get(machine.latestReportId) : undefined;
      if (payload === undefined) continue;
      const parsed = StoredAgentReport.safeParse(JSON.parse(decodePayload(payload)));
      // A report this version cannot read keeps the evaluation it was stored with.
      if (!parsed.success) continue;
      outcome.evaluated += 1;
      const evaluation = evaluate(parsed.data);
      const findingRules = ruleList(evaluation.rules);
      if (evaluation.health === machine.health && findingRules === machine.findingRules && evaluation.rules.length === machine.findingsCount) continue;
      if (evaluation.health !== machine.health) outcome.healthChanged += 1;
      if (findingRules !== machine.findingRules) outcome.findingsChanged += 1;
      const key = `${evaluation.health}|${findingRules}`;
      const change = changes.get(key) ?? { health: evaluation.health, findingsCount: evaluation.rules.length, findingRules, ids: [] };
      change.ids.push(machine.id);
      changes.set(key, change);
    }
    for (const { ids, ...data } of changes.values()) {
      await db.machine.updateMany({ where: { id: { in: ids } }, data });
    }
  }
}

/** The stored form of a machine's failing rules, as recordReport writes it. */
function ruleList(rules: readonly string[]): string {
  return rules.length > 0 ? `,${rules.join(",")},` : "";
}
