-- CreateEnum
CREATE TYPE "PublicItemKind" AS ENUM ('CERTIFICATE', 'REPORT', 'STREAKS', 'JOURNAL_ENTRY');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'UTC';

-- CreateTable
CREATE TABLE "JournalEntry" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "tried" TEXT NOT NULL,
    "failed" TEXT,
    "learned" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    "links" TEXT[],
    "localDate" DATE NOT NULL,
    "timeZone" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "JournalEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublicItem" (
    "userId" UUID NOT NULL,
    "kind" "PublicItemKind" NOT NULL,
    "itemId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublicItem_pkey" PRIMARY KEY ("userId","kind","itemId")
);

-- CreateIndex
CREATE INDEX "JournalEntry_userId_createdAt_id_idx" ON "JournalEntry"("userId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "JournalEntry_userId_localDate_idx" ON "JournalEntry"("userId", "localDate");

-- CreateIndex
CREATE INDEX "PublicItem_kind_itemId_idx" ON "PublicItem"("kind", "itemId");

-- AddForeignKey
ALTER TABLE "JournalEntry" ADD CONSTRAINT "JournalEntry_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicItem" ADD CONSTRAINT "PublicItem_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
