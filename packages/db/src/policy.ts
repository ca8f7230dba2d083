// The team's policy: one row, created with the defaults the first time it is read.
import type { Db } from "./client.js";

export interface TeamPolicyRow {
  requireEncryption: boolean;
  /** Go version from which an encrypted cache is required, e.g. "1.22" */
  requireEncryptedFromGo: string;
  /** A cache larger than this is a warning */
  cacheSizeWarningBytes: number;
  /** A machine not seen for this long is offline */
  offlineAfterMinutes: number;
  updatedAt: Date;
  updatedByEmail: string | null;
}

const teamPolicyId = "team";

export async function getPolicy(db: Db): Promise<TeamPolicyRow> {
  const row = await db.policy.upsert({ where: { id: teamPolicyId }, create: { id: teamPolicyId }, update: {} });
  return { ...row, cacheSizeWarningBytes: Number(row.cacheSizeWarningBytes) };
}
