// `cachefleet-agent status`: what the agent would report, judged by the team's policy (or the
// defaults). Read-only: the probes run with a read-only context, so the agent's state, its scan
// state and its config stay as they were.
import { evaluateHealth, overallHealth, sortFindings } from "@cachefleet/health";
import { loadConfig } from "../../config.js";
import { agentHome } from "../../env.js";
import { collectReport } from "../../report.js";
import { renderStatus, wantsColor } from "../../status-view.js";
import { policyForStatus } from "../../team-policy.js";
import { flag, probeContext } from "../context.js";
import type { CommandHandler } from "../table.js";

export const status: CommandHandler = async ({ values, env, readOnly }) => {
  const [report, judgedBy] = await Promise.all([collectReport(probeContext(env, readOnly)), policyForStatus(loadConfig(agentHome(env)))]);
  const findings = sortFindings(evaluateHealth({ go: report.go, scan: report.scan, probes: report.probes, takenAt: report.takenAt, placement: report.placement }, judgedBy.policy));
  const health = overallHealth(findings);
  if (flag(values, "json")) process.stdout.write(`${JSON.stringify({ report, health, findings, policy: judgedBy.policy, policySource: judgedBy.source }, null, 2)}\n`);
  else process.stdout.write(`${renderStatus(report, findings, health, wantsColor(process.stdout.isTTY, env.NO_COLOR))}Judged by the ${judgedBy.source}.\n`);
  return 0;
};
