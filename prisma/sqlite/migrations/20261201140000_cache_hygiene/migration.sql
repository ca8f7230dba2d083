-- AlterTable
ALTER TABLE "Machine" ADD COLUMN "cacheGrowthPerDay" REAL;
ALTER TABLE "Machine" ADD COLUMN "diskFreeBytes" BIGINT;
ALTER TABLE "Machine" ADD COLUMN "lastTrimAt" DATETIME;
ALTER TABLE "Machine" ADD COLUMN "trimUnusedBytes" BIGINT;
ALTER TABLE "Machine" ADD COLUMN "trimUnusedEntries" INTEGER;
