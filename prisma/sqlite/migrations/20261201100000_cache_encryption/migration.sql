-- AlterTable
ALTER TABLE "Machine" ADD COLUMN "cacheBackend" TEXT;
ALTER TABLE "Machine" ADD COLUMN "cacheGets" INTEGER;
ALTER TABLE "Machine" ADD COLUMN "hitRate" REAL;
ALTER TABLE "Machine" ADD COLUMN "keyCreatedAt" DATETIME;

-- AlterTable
ALTER TABLE "Policy" ADD COLUMN "rotateKeyEveryDays" INTEGER;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN "cacheGets" INTEGER;
ALTER TABLE "Report" ADD COLUMN "cacheHits" INTEGER;
