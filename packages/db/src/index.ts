export { createDatabase, type Database, type Db } from "./client.js";
export { databaseTarget, defaultDataDir, repositoryRoot, type DatabaseTarget } from "./target.js";
export { migrateDatabase } from "./migrate.js";
export { hashLegacyPassword, isLegacyPasswordHash, verifyLegacyPassword } from "./secrets.js";
export * from "./users.js";
export * from "./machines.js";
export * from "./commands.js";
export * from "./activity.js";
export * from "./policy.js";
