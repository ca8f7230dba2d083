// Decisions the team policy makes beyond findings: whether a machine counts as online, and what a
// valid "from Go version" looks like. Pure, so the fleet and machine pages and the policy form
// all decide the same way.
import type { TeamPolicy } from "./rules.js";

/** A Go release as the policy names it: "1.22" or "1.22.3" (no "go" prefix, no rc/beta). */
export const goReleasePattern = /^1\.(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2}))?$/;

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
