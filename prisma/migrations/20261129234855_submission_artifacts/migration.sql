-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "modelSha256" TEXT,
ADD COLUMN     "sourceSha256" TEXT;
