-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "cacheBackend" TEXT,
ADD COLUMN     "cacheGets" INTEGER,
ADD COLUMN     "hitRate" DOUBLE PRECISION,
ADD COLUMN     "keyCreatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Policy" ADD COLUMN     "rotateKeyEveryDays" INTEGER;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN     "cacheGets" INTEGER,
ADD COLUMN     "cacheHits" INTEGER;

