// Commands the dashboard may push to an agent. Only these kinds exist; options are bounded,
// and no string from the server ever reaches an argv or a path on the agent.
import { z } from "zod";
import { Tally } from "./scan.js";

export const MigrateOptions = z.object({
  /** Copy GOCACHE to a dated sibling before cleaning. Off only when an admin says so. */
  backup: z.boolean().default(true),
});
export type MigrateOptions = z.infer<typeof MigrateOptions>;

export const CommandSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rescan"), options: z.object({}).strict().default({}) }),
  z.object({ kind: z.literal("migrate"), options: MigrateOptions.strict() }),
]);
export type CommandSpec = z.infer<typeof CommandSpec>;
export type CommandKind = CommandSpec["kind"];
export const commandKinds = ["rescan", "migrate"] as const satisfies readonly CommandKind[];

export const migrationSteps = ["backup", "clean", "reinit", "verify"] as const;
export const MigrationStep = z.enum(migrationSteps);
export type MigrationStep = z.infer<typeof MigrationStep>;

/** Steps of any command; a rescan has the single step "scan". */
export const StepName = z.enum([...migrationSteps, "scan"]);
export type StepName = z.infer<typeof StepName>;

export const StepStatus = z.enum(["pending", "running", "succeeded", "failed", "skipped"]);
export type StepStatus = z.infer<typeof StepStatus>;

export const CommandStatus = z.enum(["pending", "running", "succeeded", "failed"]);
export type CommandStatus = z.infer<typeof CommandStatus>;

/** A command as delivered to the agent. */
export const DeliveredCommand = z.object({
  id: z.string().min(1).max(64),
  spec: CommandSpec,
  createdAt: z.iso.datetime(),
});
export type DeliveredCommand = z.infer<typeof DeliveredCommand>;

const maxLogChunk = 16 * 1024;

export const StepProgress = z.object({
  commandId: z.string().min(1).max(64),
  step: StepName,
  status: StepStatus,
  /** New log lines since the previous progress message of this step. */
  log: z.string().max(maxLogChunk).default(""),
});
export type StepProgress = z.infer<typeof StepProgress>;

export const CommandResult = z.object({
  commandId: z.string().min(1).max(64),
  status: z.enum(["succeeded", "failed"]),
  error: z.string().max(4096).nullable(),
  failedStep: StepName.nullable(),
  before: Tally.nullable(),
  after: Tally.nullable(),
  backupPath: z.string().max(4096).nullable(),
  durationMs: z.number().nonnegative(),
});
export type CommandResult = z.infer<typeof CommandResult>;
