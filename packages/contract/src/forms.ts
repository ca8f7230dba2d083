// What the dashboard's forms send, checked by the form before saving and by the procedure on
// arrival with the same schema, so a limit is written once and its message reads the same on
// both sides. A refused input comes back as zod's flattened errors (packages/api trpc.ts), which
// the form shows beside its fields.
import { z } from "zod";

/** A Go release as the policy names it: "1.22" or "1.22.3" (no "go" prefix, no rc/beta). */
export const goReleasePattern = /^1\.(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2}))?$/;

const gib = 1024 ** 3;

/** The policy form (policy.update). */
export const PolicyInput = z.object({
  requireEncryption: z.boolean(),
  requireEncryptedFromGo: z.string().trim().regex(goReleasePattern, 'Give a Go release such as "1.22" or "1.21.5".'),
  /**
   * Whole or fractional GB (GiB, as the dashboard shows sizes), up to 10 TB, stored as whole bytes:
   * a threshold that rounds to 0 bytes (1e-300 GB) is refused, because agents' policy answers
   * (AgentPolicy) require a positive byte count.
   */
  cacheSizeWarningGb: z
    .number({ error: "Give a size in GB." })
    .positive("The size threshold must be above 0 GB.")
    .max(10_240, "The size threshold is at most 10,240 GB.")
    .refine((gb) => Math.round(gb * gib) >= 1, "The size threshold must be at least one byte."),
  offlineAfterMinutes: z
    .number({ error: "Give whole minutes." })
    .int("Give whole minutes.")
    .min(1, "At least 1 minute.")
    .max(43_200, "At most 43,200 minutes (30 days)."),
  /** Rotate the cache key at least every this many days; null for no age. Left out: unchanged. */
  rotateKeyEveryDays: z
    .number({ error: "Give whole days, or leave it empty." })
    .int("Give whole days.")
    .min(1, "At least 1 day.")
    .max(3650, "At most 3,650 days (10 years).")
    .nullable()
    .optional(),
});
export type PolicyInput = z.infer<typeof PolicyInput>;

const retentionDays = (what: string) =>
  z
    .number({ error: `${what}: give whole days.` })
    .int("Give whole days.")
    .min(1, `${what}: at least 1 day.`)
    .max(3650, `${what}: at most 3,650 days (10 years).`);

/** The retention form (policy.updateRetention): how long report history and logs are kept. */
export const RetentionInput = z
  .object({
    keepAllReportsDays: retentionDays("Every report"),
    keepDailyReportsDays: retentionDays("One report a day"),
    keepLogsDays: retentionDays("Logs"),
  })
  .refine((input) => input.keepDailyReportsDays >= input.keepAllReportsDays, {
    path: ["keepDailyReportsDays"],
    message: "Keep one report a day at least as long as every report.",
  });
export type RetentionInput = z.infer<typeof RetentionInput>;

export const UserRole = z.enum(["admin", "viewer"]);
export type UserRole = z.infer<typeof UserRole>;

/** The form that creates an account (users.create). */
export const NewUserInput = z.object({
  email: z.email({ error: "Enter a valid email address." }).trim().toLowerCase().max(320, "An email address has at most 320 characters."),
  name: z.string().trim().min(1, { error: "Enter a name." }).max(100, "A name has at most 100 characters."),
  role: UserRole,
  password: z
    .string()
    .min(8, { error: "The initial password needs at least 8 characters." })
    .max(128, { error: "The initial password may have at most 128 characters." }),
});
export type NewUserInput = z.infer<typeof NewUserInput>;

/** Each field's first problem, from zod's flattened errors (a form shows one message a field). */
export function firstFieldErrors(fieldErrors: Partial<Record<string, string[]>>): Partial<Record<string, string>> {
  return Object.fromEntries(Object.entries(fieldErrors).flatMap(([field, messages]) => (messages?.[0] ? [[field, messages[0]]] : [])));
}
