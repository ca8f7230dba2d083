-- AlterTable
ALTER TABLE "Machine" ADD COLUMN "osHostname" TEXT;
