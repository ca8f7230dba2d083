-- AlterTable
ALTER TABLE "Machine" ADD COLUMN "latestReportDigest" TEXT;

-- AlterTable
ALTER TABLE "Policy" ADD COLUMN "keepAllReportsDays" INTEGER NOT NULL DEFAULT 30;
ALTER TABLE "Policy" ADD COLUMN "keepDailyReportsDays" INTEGER NOT NULL DEFAULT 365;
ALTER TABLE "Policy" ADD COLUMN "keepLogsDays" INTEGER NOT NULL DEFAULT 365;
ALTER TABLE "Policy" ADD COLUMN "reportsThinnedBefore" DATETIME;

-- CreateIndex
CREATE INDEX "Command_finishedAt_idx" ON "Command"("finishedAt");

-- CreateIndex
CREATE INDEX "Report_takenAt_idx" ON "Report"("takenAt");
