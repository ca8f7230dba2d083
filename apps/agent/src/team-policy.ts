// The policy `status` judges by: the team's, fetched from the dashboard when this agent is
// enrolled, else the defaults, saying which and why.
import { AgentPolicy } from "@cachefleet/contract";
import { defaultPolicy, type TeamPolicy } from "@cachefleet/health";
import type { AgentConfig } from "./config.js";
import { errorMessage } from "./report.js";
import { createServerClient } from "./server.js";

export interface PolicyChoice {
  policy: TeamPolicy;
  /** Where the policy came from, for the person reading `status`. */
  source: string;
}

/** How long `status` waits for the dashboard before judging by the defaults. */
const fetchTimeoutMs = 5_000;

export async function policyForStatus(config: AgentConfig | null): Promise<PolicyChoice> {
  if (!config) return { policy: defaultPolicy, source: "default policy (this agent is not enrolled)" };
  try {
    const answer = await createServerClient(config.server, config.token).agent.policy.query(undefined, { signal: AbortSignal.timeout(fetchTimeoutMs) });
    return { policy: AgentPolicy.parse(answer), source: `team policy from ${config.server}` };
  } catch (error) {
    return { policy: defaultPolicy, source: `default policy (could not read the team's from ${config.server}: ${errorMessage(error)})` };
  }
}
