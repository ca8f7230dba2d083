// The team policy as an agent receives it, so `cachefleet-agent status` judges by the same rules
// as the dashboard.
import { z } from "zod";

export const AgentPolicy = z.object({
  requireEncryption: z.boolean(),
  /** A Go release such as "1.22". */
  requireEncryptedFromGo: z.string().regex(/^1\.\d{1,3}(\.\d{1,3})?$/),
  cacheSizeWarningBytes: z.number().positive(),
  offlineAfterMinutes: z.number().int().positive(),
});
export type AgentPolicy = z.infer<typeof AgentPolicy>;
