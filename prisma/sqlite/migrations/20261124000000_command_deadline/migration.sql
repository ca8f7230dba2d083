-- AlterTable
ALTER TABLE "Command" ADD COLUMN "deadlineAt" DATETIME;

-- CreateIndex
CREATE INDEX "Command_status_deadlineAt_idx" ON "Command"("status", "deadlineAt");

-- Backfill (hand-written): commands already running get the deadline the expiry sweep used to
-- compute on every tick, claimedAt + time limit + one 90 s lease. Written in the format the
-- better-sqlite3 adapter stores DateTime in (ISO 8601 with "+00:00"), so text comparison holds.
UPDATE "Command"
SET "deadlineAt" = replace(strftime('%Y-%m-%dT%H:%M:%fZ', "claimedAt", '+' || ("timeoutSeconds" + 90) || ' seconds'), 'Z', '+00:00')
WHERE "status" = 'running' AND "claimedAt" IS NOT NULL;
