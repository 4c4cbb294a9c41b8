-- AlterTable
ALTER TABLE "CodingSession" ADD COLUMN     "logBytes" INTEGER NOT NULL DEFAULT 0;
