// The team policy as the report handler needs it on every report: read from the database at most
// once every few seconds per process, and dropped at once when this process changes it. Another
// dashboard instance's change reaches this one within `policyCacheMs`.
import { getPolicy, processWide, type Db } from "@cachefleet/db";
import type { TeamPolicy } from "@cachefleet/health";

export const policyCacheMs = 5_000;

const cached = processWide("policy-cache", () => new WeakMap<Db, { policy: Promise<TeamPolicy>; readAt: number }>());

export function cachedPolicy(db: Db, now: number = Date.now()): Promise<TeamPolicy> {
  const entry = cached.get(db);
  if (entry && now - entry.readAt < policyCacheMs) return entry.policy;
  const policy = getPolicy(db);
  cached.set(db, { policy, readAt: now });
  // A failed read is not kept: the next report tries again.
  policy.catch(() => {
    if (cached.get(db)?.policy === policy) cached.delete(db);
  });
  return policy;
}

export function invalidatePolicy(db: Db): void {
  cached.delete(db);
}
