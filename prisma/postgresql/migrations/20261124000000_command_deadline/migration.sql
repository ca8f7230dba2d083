-- AlterTable
ALTER TABLE "Command" ADD COLUMN     "deadlineAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Command_status_deadlineAt_idx" ON "Command"("status", "deadlineAt");

-- Backfill (hand-written): commands already running get the deadline the expiry sweep used to
-- compute on every tick, claimedAt + time limit + one 90 s lease.
UPDATE "Command"
SET "deadlineAt" = "claimedAt" + ("timeoutSeconds" + 90) * interval '1 second'
WHERE "status" = 'running' AND "claimedAt" IS NOT NULL;
