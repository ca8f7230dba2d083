-- CreateIndex
CREATE INDEX "Machine_revokedAt_idx" ON "Machine"("revokedAt");

-- CreateIndex
CREATE INDEX "Command_status_createdAt_idx" ON "Command"("status", "createdAt");
