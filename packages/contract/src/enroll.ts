// Enrollment: an agent trades a team's enrollment secret for a token of its own.
import { z } from "zod";
import { MachineIdentity } from "./report.js";
import { refuseUnstorableText } from "./storable.js";

export const EnrollInput = z.object({
  secret: z.string().min(16).max(256),
  machine: MachineIdentity,
}).superRefine(refuseUnstorableText);
export type EnrollInput = z.infer<typeof EnrollInput>;

export const EnrollOutput = z.object({
  machineId: z.string(),
  token: z.string().min(32),
});
export type EnrollOutput = z.infer<typeof EnrollOutput>;
