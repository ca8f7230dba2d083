// Decisions the team policy makes beyond findings: whether a machine counts as online, and what a
// valid "from Go version" looks like. Pure, so the fleet and machine pages and the policy form
// all decide the same way.
import { goReleasePattern } from "@cachefleet/contract";
import type { TeamPolicy } from "./rules.js";

export { goReleasePattern };

export function isGoRelease(text: string): boolean {
  return goReleasePattern.test(text);
}

/** Whether a machine last seen at `lastSeenAt` is online at `now` under the team's offline threshold. */
export function isOnline(lastSeenAt: Date | string | null, now: Date | number, policy: Pick<TeamPolicy, "offlineAfterMinutes">): boolean {
  if (lastSeenAt === null) return false;
  const seen = typeof lastSeenAt === "string" ? Date.parse(lastSeenAt) : lastSeenAt.getTime();
  if (Number.isNaN(seen)) return false;
  const nowMs = typeof now === "number" ? now : now.getTime();
  return nowMs - seen < policy.offlineAfterMinutes * 60_000;
}
