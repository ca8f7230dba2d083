// Which account changes an admin may make: never lock yourself out, never leave the team without
// an admin. Pure, so the rules are tested without a database.
import type { AccountChange, Role } from "@cachefleet/db";

export type { AccountChange };

/** Why the change is refused, in words for the admin; null when it may go ahead. */
export function refuseAccountChange(change: AccountChange, actorId: string, target: { id: string; email: string; role: Role }, adminCount: number): string | null {
  const takesAdminAway = target.role === "admin" && (change.kind === "remove" || change.role !== "admin");
  if (target.id === actorId && change.kind === "remove") return "You cannot remove your own account; ask another admin.";
  if (target.id === actorId && takesAdminAway) return "You cannot demote yourself; ask another admin.";
  if (takesAdminAway && adminCount <= 1) {
    return `${target.email} is the last admin; make another user admin first.`;
  }
  return null;
}
