-- CreateTable
CREATE TABLE "CommandBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CommandBatch_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActivityEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "subject" TEXT,
    "detail" TEXT NOT NULL DEFAULT '{}'
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Machine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "enrolledAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enrolledWithId" TEXT,
    "revokedAt" DATETIME,
    "hostname" TEXT NOT NULL,
    "username" TEXT NOT NULL DEFAULT '',
    "platform" TEXT NOT NULL DEFAULT '',
    "osRelease" TEXT NOT NULL DEFAULT '',
    "arch" TEXT NOT NULL DEFAULT '',
    "lastSeenAt" DATETIME,
    "goVersion" TEXT,
    "gocache" TEXT,
    "cacheEntries" INTEGER,
    "cacheBytes" BIGINT,
    "cacheVerdict" TEXT,
    "health" TEXT,
    "findingsCount" INTEGER NOT NULL DEFAULT 0,
    "findingRules" TEXT NOT NULL DEFAULT '',
    "latestReportId" TEXT,
    CONSTRAINT "Machine_enrolledWithId_fkey" FOREIGN KEY ("enrolledWithId") REFERENCES "EnrollmentSecret" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Machine" ("arch", "cacheBytes", "cacheEntries", "cacheVerdict", "enrolledAt", "enrolledWithId", "findingsCount", "goVersion", "gocache", "health", "hostname", "id", "lastSeenAt", "latestReportId", "osRelease", "platform", "revokedAt", "tokenHash", "username") SELECT "arch", "cacheBytes", "cacheEntries", "cacheVerdict", "enrolledAt", "enrolledWithId", "findingsCount", "goVersion", "gocache", "health", "hostname", "id", "lastSeenAt", "latestReportId", "osRelease", "platform", "revokedAt", "tokenHash", "username" FROM "Machine";
DROP TABLE "Machine";
ALTER TABLE "new_Machine" RENAME TO "Machine";
CREATE UNIQUE INDEX "Machine_tokenHash_key" ON "Machine"("tokenHash");
CREATE INDEX "Machine_hostname_idx" ON "Machine"("hostname");
CREATE INDEX "Machine_lastSeenAt_idx" ON "Machine"("lastSeenAt");
CREATE TABLE "new_Command" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "machineId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "timeoutSeconds" INTEGER NOT NULL DEFAULT 600,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "batchId" TEXT,
    "retryOfId" TEXT,
    "claimedAt" DATETIME,
    "leaseExpiresAt" DATETIME,
    "cancelRequestedAt" DATETIME,
    "finishedAt" DATETIME,
    "failedStep" TEXT,
    "result" TEXT,
    "error" TEXT,
    CONSTRAINT "Command_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Command_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Command_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "CommandBatch" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Command" ("claimedAt", "createdAt", "createdById", "error", "finishedAt", "id", "kind", "machineId", "options", "result", "status") SELECT "claimedAt", "createdAt", "createdById", "error", "finishedAt", "id", "kind", "machineId", "options", "result", "status" FROM "Command";
DROP TABLE "Command";
ALTER TABLE "new_Command" RENAME TO "Command";
CREATE INDEX "Command_machineId_status_createdAt_idx" ON "Command"("machineId", "status", "createdAt");
CREATE INDEX "Command_status_leaseExpiresAt_idx" ON "Command"("status", "leaseExpiresAt");
CREATE INDEX "Command_batchId_idx" ON "Command"("batchId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ActivityEvent_at_idx" ON "ActivityEvent"("at");

