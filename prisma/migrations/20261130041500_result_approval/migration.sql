-- AlterTable
ALTER TABLE "Result" ADD COLUMN     "approvedAt" TIMESTAMPTZ(3),
ADD COLUMN     "approvedPoints" DOUBLE PRECISION;
