// The team policy as an agent receives it, so `cachefleet-agent status` judges by the same rules
// as the dashboard.
import { z } from "zod";

export const AgentPolicy = z.object({
  requireEncryption: z.boolean(),
  /** A Go release such as "1.22". */
  requireEncryptedFromGo: z.string().regex(/^1\.\d{1,3}(\.\d{1,3})?$/),
  cacheSizeWarningBytes: z.number().positive(),
  offlineAfterMinutes: z.number().int().positive(),
  /** Rotate the cache key at least every this many days; null when the team sets no age. */
  rotateKeyEveryDays: z.number().int().min(1).max(3650).nullable().default(null),
});
export type AgentPolicy = z.infer<typeof AgentPolicy>;
