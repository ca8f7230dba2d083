-- AlterTable
ALTER TABLE "Command" ADD COLUMN "progressSequence" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "AgentMessage" (
    "machineId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "commandId" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("machineId", "id"),
    CONSTRAINT "AgentMessage_commandId_fkey" FOREIGN KEY ("commandId") REFERENCES "Command" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AgentMessage_commandId_idx" ON "AgentMessage"("commandId");
