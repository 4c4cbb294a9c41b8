-- CreateTable
CREATE TABLE "CodingSession" (
    "id" UUID NOT NULL,
    "attemptId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "challengeId" UUID NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CodingSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EditBatch" (
    "sessionId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "events" JSONB NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "receivedAt" INTEGER NOT NULL,

    CONSTRAINT "EditBatch_pkey" PRIMARY KEY ("sessionId","seq")
);

-- CreateIndex
CREATE INDEX "CodingSession_attemptId_startedAt_idx" ON "CodingSession"("attemptId", "startedAt");

-- CreateIndex
CREATE INDEX "CodingSession_userId_startedAt_idx" ON "CodingSession"("userId", "startedAt");

-- AddForeignKey
ALTER TABLE "CodingSession" ADD CONSTRAINT "CodingSession_attemptId_fkey" FOREIGN KEY ("attemptId") REFERENCES "Attempt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodingSession" ADD CONSTRAINT "CodingSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodingSession" ADD CONSTRAINT "CodingSession_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EditBatch" ADD CONSTRAINT "EditBatch_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CodingSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
