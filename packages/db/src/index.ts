export { createDatabase, providerOf, type Database, type DatabaseOptions, type Db, type DbTransaction } from "./client.js";
export { databaseTarget, type DatabaseLocations, type DatabaseTarget } from "./target.js";
export { migrateDatabase, restrictSqliteFiles } from "./migrate.js";
export { processWide } from "./process-wide.js";
export { hashLegacyPassword, hashToken, isLegacyPasswordHash, verifyLegacyPassword } from "./secrets.js";
export * from "./users.js";
export * from "./machines.js";
export {
  activeMachineIds,
  cancelCommand,
  enqueueCommand,
  findMachineCommand,
  machinesWithPendingCommands,
  pendingCommands,
  pendingCommandsSince,
  preparing,
  preparingLimitMs,
  readableSpec,
  retryCommand,
  unreadableCommandError,
  type CancelOutcome,
  type EnqueueOptions,
  type QueuedCommand,
} from "./command-queue.js";
export { getCommand, listCommands, type CommandView } from "./command-views.js";
export { createBatch, getBatch, type BatchInput } from "./command-batches.js";
export * from "./command-lease.js";
export { MessageIdReused, type Delivered } from "./agent-messages.js";
export * from "./activity.js";
export * from "./policy.js";
export * from "./fleet.js";
export * from "./bulk.js";
export * from "./history.js";
export * from "./audit.js";
export * from "./enrollment.js";
export * from "./retention.js";
export * from "./operations.js";
export { backupDatabase, backupFileName, BackupError, restoreDatabase } from "./backup.js";
export * from "./growth.js";
export * from "./hygiene.js";
export * from "./api-tokens.js";
export * from "./webhooks.js";
export * from "./remediations.js";
export { decodePayload, encodePayload } from "./payload.js";
