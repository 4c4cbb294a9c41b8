-- CreateEnum
CREATE TYPE "Verdict" AS ENUM ('PASSED', 'INCONCLUSIVE', 'FAILED');

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "phase" TEXT,
ADD COLUMN     "progress" DOUBLE PRECISION,
ADD COLUMN     "rejectionCode" TEXT,
ADD COLUMN     "rejectionMessage" TEXT,
ADD COLUMN     "rescoreOfId" UUID,
ADD COLUMN     "scorerId" UUID,
ADD COLUMN     "scoringClaim" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "Result" (
    "id" UUID NOT NULL,
    "submissionId" UUID NOT NULL,
    "verdict" "Verdict" NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "metrics" JSONB NOT NULL,
    "flags" TEXT[],
    "scorerId" UUID,
    "environment" JSONB NOT NULL,
    "jobId" TEXT NOT NULL,
    "scoringClaim" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Result_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Scorer" (
    "id" UUID NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "deviceClasses" TEXT[],
    "executionProviders" TEXT[],
    "ortVersion" TEXT NOT NULL,
    "cpuModel" TEXT NOT NULL,
    "gpuModel" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Scorer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Result_submissionId_key" ON "Result"("submissionId");

-- CreateIndex
CREATE INDEX "Scorer_heartbeatAt_idx" ON "Scorer"("heartbeatAt");

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_scorerId_fkey" FOREIGN KEY ("scorerId") REFERENCES "Scorer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_rescoreOfId_fkey" FOREIGN KEY ("rescoreOfId") REFERENCES "Submission"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Result" ADD CONSTRAINT "Result_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Result" ADD CONSTRAINT "Result_scorerId_fkey" FOREIGN KEY ("scorerId") REFERENCES "Scorer"("id") ON DELETE SET NULL ON UPDATE CASCADE;
