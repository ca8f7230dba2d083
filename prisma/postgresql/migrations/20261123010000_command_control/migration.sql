-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "findingRules" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Command" ADD COLUMN     "batchId" TEXT,
ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "failedStep" TEXT,
ADD COLUMN     "leaseExpiresAt" TIMESTAMP(3),
ADD COLUMN     "retryOfId" TEXT,
ADD COLUMN     "timeoutSeconds" INTEGER NOT NULL DEFAULT 600;

-- CreateTable
CREATE TABLE "CommandBatch" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommandBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "subject" TEXT,
    "detail" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "ActivityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ActivityEvent_at_idx" ON "ActivityEvent"("at");

-- CreateIndex
CREATE INDEX "Command_status_leaseExpiresAt_idx" ON "Command"("status", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "Command_batchId_idx" ON "Command"("batchId");

-- AddForeignKey
ALTER TABLE "Command" ADD CONSTRAINT "Command_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "CommandBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommandBatch" ADD CONSTRAINT "CommandBatch_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

