// Automatic remediation as an admin configures it: a health rule bound to an allowlisted command,
// a maintenance window in each machine's local time, a concurrency cap and retries. The same
// schema checks the dashboard's form, its dry run and the procedure that saves it.
import { z } from "zod";
import { CommandSpec } from "./command.js";

/** A health rule id as the rules name them, e.g. "mixed-cache". */
export const RuleId = z.string().regex(/^[a-z][a-z-]{1,63}$/, "A rule id such as mixed-cache.");

/** "HH:MM", 24-hour. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "A time such as 01:30 (24-hour).");

export function minutesOfLocalTime(time: string): number {
  const [hours = "0", minutes = "0"] = time.split(":");
  return Number(hours) * 60 + Number(minutes);
}

export function localTimeOfMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export const NewRemediation = z.object({
  name: z.string().trim().min(1, "Give the remediation a name.").max(100, "At most 100 characters."),
  rule: RuleId,
  spec: CommandSpec,
  /** In each machine's own time zone; equal times mean any time, an end before the start spans midnight. */
  window: z.object({ start: LocalTime, end: LocalTime }),
  maxConcurrent: z.number().int().min(1, "At least one.").max(1000, "At most 1000.").default(5),
  maxAttempts: z.number().int().min(1, "At least one.").max(10, "At most 10.").default(3),
  retryBaseMinutes: z.number().int().min(1, "At least a minute.").max(1440, "At most a day.").default(15),
});
export type NewRemediation = z.infer<typeof NewRemediation>;
export type NewRemediationInput = z.input<typeof NewRemediation>;
