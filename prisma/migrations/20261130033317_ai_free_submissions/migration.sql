-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "code" TEXT,
ADD COLUMN     "codingSessionId" UUID,
ADD COLUMN     "editLogCutoffMs" INTEGER,
ADD COLUMN     "language" TEXT;

-- CreateIndex
CREATE INDEX "Submission_codingSessionId_idx" ON "Submission"("codingSessionId");

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_codingSessionId_fkey" FOREIGN KEY ("codingSessionId") REFERENCES "CodingSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
