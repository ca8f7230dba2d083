// The heartbeat: what an idle agent sends instead of a full report (agent version and the digest
// of the last full report it sent) and the dashboard's answer (whether it wants a full report).
import { z } from "zod";

/** A report digest: SHA-256 of the report's canonical JSON, in lowercase hex (see digest.ts). */
export const ReportDigest = z.string().regex(/^[0-9a-f]{64}$/, "A report digest is 64 lowercase hex digits.");
export type ReportDigest = z.infer<typeof ReportDigest>;

export const Heartbeat = z.strictObject({
  agentVersion: z.string().min(1).max(64),
  /** Null until the agent has had a full report accepted (a fresh start, or a lost state). */
  reportDigest: ReportDigest.nullable(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export const HeartbeatAck = z.strictObject({
  /**
   * The dashboard's latest full report of this machine is not the one the agent last sent (none
   * stored, or another one, e.g. after a database restore): send a full report now.
   */
  sendFullReport: z.boolean(),
});
export type HeartbeatAck = z.infer<typeof HeartbeatAck>;

/** How often an agent sends a heartbeat unless told otherwise. */
export const defaultHeartbeatSeconds = 60;
