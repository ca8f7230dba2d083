// The audit: which machines fail which check, read from the machines' current state (the rules
// their latest report fails, kept in findingRules as ",rule-a,rule-b,"). Revoked machines are left out.
import type { Db } from "./client.js";

/**
 * The audit's checks, each the health rules (packages/health) whose findings put a machine on its
 * list. Permissions gather every GOCACHE rule: each is one way builds cannot use the cache.
 */
export const auditChecks = {
  "plaintext": ["plaintext-cache"],
  "mixed": ["mixed-cache"],
  "keychain-missing": ["keychain-missing"],
  "shared-across-versions": ["shared-across-versions"],
  "rosetta": ["rosetta-toolchain"],
  "permissions": ["gocache-missing", "gocache-not-directory", "gocache-not-owned", "gocache-not-writable", "gocache-no-hard-links", "gocache-low-disk"],
  "env-not-persisted": ["env-not-persisted"],
  "key-rotation-due": ["key-rotation-due"],
  /** Not a rule: machines whose encrypted cache serves few lookups (see lowHitRate). */
  "low-hit-rate": [],
  "stale-trim": ["stale-trim"],
  "network-fs": ["gocache-network-fs", "gocache-removable"],
  "icloud": ["gocache-icloud"],
  "time-machine": ["gocache-backed-up"],
  "spotlight": ["gocache-indexed"],
  "filevault": ["filevault-off"],
} as const satisfies Record<string, readonly string[]>;

/**
 * A hit rate below this, over at least `minGets` lookups, lists a machine as low: a cache that
 * rarely serves builds (a GOCACHE per checkout, caches cleaned by scripts) costs more than it saves.
 */
export const lowHitRate = { below: 0.5, minGets: 200 } as const;

export type AuditCheck = keyof typeof auditChecks;
export const auditCheckNames = Object.keys(auditChecks) as AuditCheck[];

export interface AuditRow {
  id: string;
  hostname: string;
  username: string;
  goVersion: string | null;
  cacheVerdict: string | null;
  keychainKey: string | null;
  rosetta: boolean | null;
  hitRate: number | null;
  keyCreatedAt: Date | null;
  /** The rules this machine fails, all of them, not only the check's. */
  findingRules: string[];
  lastSeenAt: Date | null;
}

function checkWhere(check: AuditCheck | null) {
  if (check === "low-hit-rate") return { revokedAt: null, hitRate: { lt: lowHitRate.below }, cacheGets: { gte: lowHitRate.minGets } };
  const rules: readonly string[] = check === null ? [] : auditChecks[check];
  return {
    revokedAt: null,
    ...(check === null
      ? { OR: Object.values(auditChecks).flat().map((rule) => ({ findingRules: { contains: `,${rule},` } })) }
      : { OR: rules.map((rule) => ({ findingRules: { contains: `,${rule},` } })) }),
  };
}

/** How many machines each check lists. */
export async function auditCounts(db: Db): Promise<Record<AuditCheck, number>> {
  const counts = await Promise.all(auditCheckNames.map(async (check) => [check, await db.machine.count({ where: checkWhere(check) })] as const));
  return Object.fromEntries(counts) as Record<AuditCheck, number>;
}

export interface AuditListOptions {
  take?: number;
  skip?: number;
}

/**
 * The machines a check lists (null: failing any check), by hostname, with the total for paging.
 * A page is at most 10,000 rows: what an export or a push to a selection takes at once.
 */
export async function listAudit(db: Db, check: AuditCheck | null, options: AuditListOptions = {}): Promise<{ total: number; rows: AuditRow[] }> {
  const where = checkWhere(check);
  const take = Math.min(Math.max(options.take ?? 100, 1), 10_000);
  const [total, rows] = await Promise.all([
    db.machine.count({ where }),
    db.machine.findMany({
      where,
      select: { id: true, hostname: true, username: true, goVersion: true, cacheVerdict: true, keychainKey: true, rosetta: true, hitRate: true, keyCreatedAt: true, findingRules: true, lastSeenAt: true },
      orderBy: [{ hostname: "asc" }, { id: "asc" }],
      take,
      skip: Math.max(options.skip ?? 0, 0),
    }),
  ]);
  return { total, rows: rows.map((row) => ({ ...row, findingRules: row.findingRules.split(",").filter((rule) => rule !== "") })) };
}
