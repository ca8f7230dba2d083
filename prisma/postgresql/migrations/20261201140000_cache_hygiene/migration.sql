-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "cacheGrowthPerDay" DOUBLE PRECISION,
ADD COLUMN     "diskFreeBytes" BIGINT,
ADD COLUMN     "lastTrimAt" TIMESTAMP(3),
ADD COLUMN     "trimUnusedBytes" BIGINT,
ADD COLUMN     "trimUnusedEntries" INTEGER;

