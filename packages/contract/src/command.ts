// Commands the dashboard may push to an agent. Only these kinds exist; options are bounded,
// and no string from the server ever reaches an argv or a path on the agent.
import { z } from "zod";
import { Tally } from "./scan.js";
import { refuseUnstorableText } from "./storable.js";

export const MigrateOptions = z.object({
  /** Copy GOCACHE to a dated sibling before cleaning. Off only when an admin says so. */
  backup: z.boolean().default(true),
  /**
   * Replace a GOCACHEPROG that is not Cachefleet's (a team's remote cache). Off unless an admin
   * ticks it: by default (absent) such a machine is reported and its setting left alone.
   */
  replaceOtherCacheProg: z.boolean().optional(),
});
export type MigrateOptions = z.infer<typeof MigrateOptions>;

/** Options of the kinds that only clean: whether to keep a backup first. */
export const CleanOptions = z.object({
  backup: z.boolean().default(true),
});
export type CleanOptions = z.infer<typeof CleanOptions>;

export const PruneBackupsOptions = z.object({
  /** Remove the agent's GOCACHE backups older than this many days. */
  olderThanDays: z.number().int().min(1).max(3650).default(30),
});
export type PruneBackupsOptions = z.infer<typeof PruneBackupsOptions>;

/**
 * Trim deletes exactly the entries Go's own trim would (cmd/go/internal/cache, trimSubdir): `*-a`
 * and `*-d` in the bucket folders unused for more than this many days (and the hour of mtime
 * imprecision). Never fewer than Go's 5 days, so it needs no backup: Go itself deletes them.
 */
export const TrimOptions = z.object({
  olderThanDays: z.number().int().min(5).max(3650).default(5),
});
export type TrimOptions = z.infer<typeof TrimOptions>;

const noOptions = z.object({}).strict().default({});

export const CommandSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rescan"), options: noOptions }),
  z.object({ kind: z.literal("backup"), options: noOptions }),
  /** Cleaning backs up first unless the admin explicitly chose no backup. */
  z.object({ kind: z.literal("clean"), options: CleanOptions.strict().default({ backup: true }) }),
  z.object({ kind: z.literal("reinit"), options: noOptions }),
  z.object({ kind: z.literal("verify"), options: noOptions }),
  z.object({ kind: z.literal("migrate"), options: MigrateOptions.strict().default({ backup: true }) }),
  z.object({ kind: z.literal("prune-backups"), options: PruneBackupsOptions.strict().default({ olderThanDays: 30 }) }),
  /** Switches the machine back to Go's own disk cache: unsets GOCACHEPROG, then cleans after a backup. */
  z.object({ kind: z.literal("disable"), options: CleanOptions.strict().default({ backup: true }) }),
  /** A new key; every sealed entry re-sealed under it; the old key deleted last. */
  z.object({ kind: z.literal("rotate-key"), options: noOptions }),
  z.object({ kind: z.literal("trim"), options: TrimOptions.strict().default({ olderThanDays: 5 }) }),
  /**
   * A clean for very large caches: what `go clean -cache` removes, deleted in bounded batches at
   * low priority with progress, so the Mac stays responsive. Backs up first unless told not to.
   */
  z.object({ kind: z.literal("clean-in-batches"), options: CleanOptions.strict().default({ backup: true }) }),
  /** `tmutil addexclusion` on GOCACHE (macOS): Time Machine stops backing up the build cache. */
  z.object({ kind: z.literal("exclude-from-backup"), options: noOptions }),
  /**
   * macOS: `go env -w GOBIN=<GOPATH>/bin` when GOBIN is unset, and the LaunchAgent of
   * persist-env.ts that puts GOBIN on the PATH GUI apps see at login.
   */
  z.object({ kind: z.literal("persist-env"), options: noOptions }),
]);
export type CommandSpec = z.infer<typeof CommandSpec>;
export type CommandKind = CommandSpec["kind"];
export const commandKinds = ["rescan", "backup", "clean", "reinit", "verify", "migrate", "prune-backups", "disable", "rotate-key", "trim", "clean-in-batches", "exclude-from-backup", "persist-env"] as const satisfies readonly CommandKind[];
export const CommandKindSchema = z.enum(commandKinds);

export const stepNames = ["scan", "backup", "clean", "reinit", "verify", "prune", "enable", "disable", "rotate-key", "trim", "exclude", "persist"] as const;
export const StepName = z.enum(stepNames);
export type StepName = z.infer<typeof StepName>;

export const migrationSteps = ["backup", "clean", "enable", "reinit", "verify"] as const satisfies readonly StepName[];
export type MigrationStep = (typeof migrationSteps)[number];

/** The steps a command runs, in order; a step the options turn off is listed as skipped. */
export function planSteps(spec: CommandSpec): { step: StepName; skipped: boolean }[] {
  switch (spec.kind) {
    case "rescan":
      return [{ step: "scan", skipped: false }];
    case "backup":
      return [{ step: "backup", skipped: false }];
    case "clean":
      return [
        { step: "backup", skipped: !spec.options.backup },
        { step: "clean", skipped: false },
      ];
    case "reinit":
      return [{ step: "reinit", skipped: false }];
    case "verify":
      return [{ step: "verify", skipped: false }];
    case "migrate":
      return [
        { step: "backup", skipped: !spec.options.backup },
        { step: "clean", skipped: false },
        { step: "enable", skipped: false },
        { step: "reinit", skipped: false },
        { step: "verify", skipped: false },
      ];
    case "prune-backups":
      return [{ step: "prune", skipped: false }];
    case "disable":
      // The helper is switched off first, so the clean empties the sealed entries Go can no longer read.
      return [
        { step: "backup", skipped: !spec.options.backup },
        { step: "disable", skipped: false },
        { step: "clean", skipped: false },
      ];
    case "rotate-key":
      return [{ step: "rotate-key", skipped: false }];
    case "trim":
      return [{ step: "trim", skipped: false }];
    case "exclude-from-backup":
      return [{ step: "exclude", skipped: false }];
    case "persist-env":
      return [{ step: "persist", skipped: false }];
    case "clean-in-batches":
      return [
        { step: "backup", skipped: !spec.options.backup },
        { step: "clean", skipped: false },
      ];
  }
}

/** Default time limit per kind, in seconds; an admin may set another per push. */
export const defaultTimeoutSeconds: Record<CommandKind, number> = {
  rescan: 600,
  backup: 600,
  clean: 600,
  reinit: 600,
  verify: 600,
  migrate: 600,
  "prune-backups": 600,
  disable: 600,
  // Re-sealing reads and writes every entry once.
  "rotate-key": 1800,
  // Deleting hundreds of thousands of entries in small batches at low priority takes its time.
  trim: 3600,
  "clean-in-batches": 3 * 3600,
  "exclude-from-backup": 120,
  "persist-env": 120,
};
export const TimeoutSeconds = z.number().int().min(10).max(24 * 60 * 60);

export const StepStatus = z.enum(["pending", "running", "succeeded", "failed", "skipped", "cancelled"]);
export type StepStatus = z.infer<typeof StepStatus>;

export const finalCommandStatuses = ["succeeded", "failed", "cancelled", "interrupted", "timed-out"] as const;
export const CommandStatus = z.enum(["pending", "running", ...finalCommandStatuses]);
export type CommandStatus = z.infer<typeof CommandStatus>;

/** A command as delivered to the agent. */
export const DeliveredCommand = z.object({
  id: z.string().min(1).max(64),
  spec: CommandSpec,
  timeoutSeconds: TimeoutSeconds,
  createdAt: z.iso.datetime(),
});
export type DeliveredCommand = z.infer<typeof DeliveredCommand>;

export const maxLogChunk = 16 * 1024;

const stepProgressFields = {
  commandId: z.string().min(1).max(64),
  step: StepName,
  status: StepStatus,
  /** New log lines since the previous progress message of this step. */
  log: z.string().max(maxLogChunk).default(""),
};
export const StepProgress = z.object(stepProgressFields).superRefine(refuseUnstorableText);
export type StepProgress = z.infer<typeof StepProgress>;

/**
 * The id an agent gives each claim, progress and result message once, when it first queues it, and
 * sends again with every retry of that message (across restarts: the outbox keeps it). The
 * dashboard keeps each id with the answer it gave, so a resent message changes nothing and gets
 * the original answer: delivery is exactly once.
 */
export const MessageId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
export type MessageId = z.infer<typeof MessageId>;

/** Claims a delivered command for this machine. */
export const ClaimMessage = z.object({ messageId: MessageId, commandId: z.string().min(1).max(64) });
export type ClaimMessage = z.infer<typeof ClaimMessage>;

/**
 * The answer to a claim: whether this machine now runs the command, and the command itself, so
 * an agent that restarted before it heard the answer learns what it claimed from the resend.
 */
export const ClaimAnswer = z.object({ claimed: z.boolean(), command: DeliveredCommand.nullable() });
export type ClaimAnswer = z.infer<typeof ClaimAnswer>;

/**
 * A step's progress as sent: `sequence` counts a command's progress messages from 1, so the
 * dashboard appends a command's log lines in the order the agent wrote them and never older
 * ones after newer.
 */
export const ProgressMessage = z
  .object({ ...stepProgressFields, messageId: MessageId, sequence: z.number().int().min(1).max(2_147_483_647) })
  .superRefine(refuseUnstorableText);
export type ProgressMessage = z.infer<typeof ProgressMessage>;

/** What the server answers to progress: whether the admin asked to stop at the next safe point. */
export const ProgressAck = z.object({ cancelRequested: z.boolean() });
export type ProgressAck = z.infer<typeof ProgressAck>;

const commandResultFields = {
  commandId: z.string().min(1).max(64),
  status: z.enum(finalCommandStatuses),
  error: z.string().max(8192).nullable(),
  failedStep: StepName.nullable(),
  before: Tally.nullable(),
  after: Tally.nullable(),
  backupPath: z.string().max(4096).nullable(),
  /** Backups removed by prune-backups. */
  prunedBackups: z.array(z.string().max(4096)).max(1000).default([]),
  durationMs: z.number().nonnegative(),
};
export const CommandResult = z.object(commandResultFields).superRefine(refuseUnstorableText);
export type CommandResult = z.infer<typeof CommandResult>;

/** A command's outcome as sent, with the message id it keeps across retries. */
export const ResultMessage = z.object({ ...commandResultFields, messageId: MessageId }).superRefine(refuseUnstorableText);
export type ResultMessage = z.infer<typeof ResultMessage>;

/**
 * The answer to a result: `recorded` is false only when the command had ended otherwise and its
 * outcome stands (it was cancelled, or retried after the dashboard gave up on it).
 */
export const ResultAck = z.object({ recorded: z.boolean() });
export type ResultAck = z.infer<typeof ResultAck>;
