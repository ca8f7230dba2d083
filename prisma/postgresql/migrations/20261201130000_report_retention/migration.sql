-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "latestReportDigest" TEXT;

-- AlterTable
ALTER TABLE "Policy" ADD COLUMN     "keepAllReportsDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "keepDailyReportsDays" INTEGER NOT NULL DEFAULT 365,
ADD COLUMN     "keepLogsDays" INTEGER NOT NULL DEFAULT 365,
ADD COLUMN     "reportsThinnedBefore" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Command_finishedAt_idx" ON "Command"("finishedAt");

-- CreateIndex
CREATE INDEX "Report_takenAt_idx" ON "Report"("takenAt");

