-- AlterTable
ALTER TABLE "Result" ADD COLUMN     "hiddenAt" TIMESTAMPTZ(3),
ADD COLUMN     "hiddenById" UUID,
ADD COLUMN     "hiddenReason" TEXT;

-- CreateTable
CREATE TABLE "LeaderboardBest" (
    "challengeId" UUID NOT NULL,
    "deviceClass" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "resultId" UUID NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "speedup" DOUBLE PRECISION,
    "achievedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LeaderboardBest_pkey" PRIMARY KEY ("userId","challengeId","deviceClass","period")
);

-- CreateTable
CREATE TABLE "LeaderboardTotal" (
    "period" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "achievedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LeaderboardTotal_pkey" PRIMARY KEY ("userId","period")
);

-- CreateTable
CREATE TABLE "LeaderboardTeamTotal" (
    "period" TEXT NOT NULL,
    "teamId" UUID NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "achievedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LeaderboardTeamTotal_pkey" PRIMARY KEY ("teamId","period")
);

-- CreateIndex
CREATE INDEX "LeaderboardBest_challengeId_deviceClass_period_points_achie_idx" ON "LeaderboardBest"("challengeId", "deviceClass", "period", "points" DESC, "achievedAt", "userId");

-- CreateIndex
CREATE INDEX "LeaderboardBest_resultId_idx" ON "LeaderboardBest"("resultId");

-- CreateIndex
CREATE INDEX "LeaderboardTotal_period_points_achievedAt_userId_idx" ON "LeaderboardTotal"("period", "points" DESC, "achievedAt", "userId");

-- CreateIndex
CREATE INDEX "LeaderboardTeamTotal_period_points_achievedAt_teamId_idx" ON "LeaderboardTeamTotal"("period", "points" DESC, "achievedAt", "teamId");

-- AddForeignKey
ALTER TABLE "LeaderboardBest" ADD CONSTRAINT "LeaderboardBest_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeaderboardBest" ADD CONSTRAINT "LeaderboardBest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeaderboardBest" ADD CONSTRAINT "LeaderboardBest_resultId_fkey" FOREIGN KEY ("resultId") REFERENCES "Result"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeaderboardTotal" ADD CONSTRAINT "LeaderboardTotal_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeaderboardTeamTotal" ADD CONSTRAINT "LeaderboardTeamTotal_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill (data only): the standings of the results written before this migration, as
-- libs/db/src/repositories/leaderboard-upkeep.ts computes them (the reviewed kinds then:
-- DOCUMENT_RESULTS, PORT_TO_JAX). `recomputeLeaderboards` rebuilds them the same way at any time.
INSERT INTO "LeaderboardBest" ("challengeId", "deviceClass", "period", "userId", "resultId", "points", "speedup", "achievedAt")
SELECT DISTINCT ON (k."challengeId", d.class, p.period, k."userId")
       k."challengeId", d.class, p.period, k."userId", k."resultId", k.points, k.speedup, k.at
  FROM (SELECT s."userId", s."challengeId", r.id AS "resultId",
               coalesce(r.environment->>'deviceClass', 'cpu') AS "deviceClass",
               round((CASE WHEN c.kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN r."approvedPoints" ELSE r.points END)::numeric, 2)::float8 AS points,
               CASE WHEN c.kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN r."approvedAt" ELSE r."createdAt" END AS at,
               CASE WHEN jsonb_typeof(r.metrics->'timing'->'speedup') = 'number' THEN (r.metrics->'timing'->>'speedup')::float8 END AS speedup
          FROM "Result" r JOIN "Submission" s ON s.id = r."submissionId" JOIN "Challenge" c ON c.id = s."challengeId"
         WHERE s.status = 'SCORED'
           AND (CASE WHEN c.kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN r."approvedAt" IS NOT NULL AND r."approvedPoints" IS NOT NULL
                     ELSE r.verdict = 'PASSED' AND r.points > 0 END)) k
 CROSS JOIN LATERAL (VALUES (k."deviceClass"), ('*')) d(class)
 CROSS JOIN LATERAL (VALUES ('ALL'), (to_char(k.at AT TIME ZONE 'UTC', 'IYYY-"W"IW'))) p(period)
 ORDER BY k."challengeId", d.class, p.period, k."userId", k.points DESC, k.at ASC, k."resultId" ASC;

INSERT INTO "LeaderboardTotal" ("period", "userId", "points", "achievedAt")
SELECT period, "userId", round(sum(points)::numeric, 2)::float8, max("achievedAt")
  FROM "LeaderboardBest" WHERE "deviceClass" = '*' GROUP BY period, "userId";

INSERT INTO "LeaderboardTeamTotal" ("period", "teamId", "points", "achievedAt")
SELECT t.period, m."teamId", round(sum(t.points)::numeric, 2)::float8, max(t."achievedAt")
  FROM "LeaderboardTotal" t JOIN "Membership" m ON m."userId" = t."userId" GROUP BY t.period, m."teamId";
