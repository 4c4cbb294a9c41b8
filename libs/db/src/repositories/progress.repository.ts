import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

export type HabitKindName = 'OPTIMIZE_MODEL' | 'PORT_TO_JAX' | 'DOCUMENT_RESULTS' | 'AI_FREE_SESSION';

/** A learner's counts in one habit (a challenge kind): distinct challenges. */
export interface HabitCounts {
  kind: HabitKindName;
  attempted: number;
  passed: number;
  approved: number;
  /** Points counted on the leaderboards (the best per challenge; reviewed kinds once approved). */
  points: number;
}

/** A learner's best counted result on one challenge (what the leaderboards count). */
export interface BestResultRecord {
  kind: HabitKindName;
  challengeSlug: string;
  challengeTitle: string;
  submissionId: string;
  points: number;
  speedup: number | null;
  achievedAt: Date;
}

/** The first time something happened, for milestones. */
export interface FirstTimes {
  /** The first PASSED OPTIMIZE_MODEL result (at least the challenge's target faster, 10% by default). */
  firstOptimizePass: { at: Date; submissionId: string } | null;
  firstPortApproved: { at: Date; submissionId: string } | null;
  firstReportApproved: { at: Date; submissionId: string } | null;
  firstAiFreePass: { at: Date; submissionId: string } | null;
}

/** Derived progress (docs/progress.md): read from attempts, results, reviews and the leaderboard tables. */
@Injectable()
export class ProgressRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Counts per habit (kinds the learner never attempted are absent). */
  async habits(userId: string): Promise<HabitCounts[]> {
    return this.prisma.$queryRaw<HabitCounts[]>`
      WITH tried AS (
        SELECT c.kind::text AS kind,
               count(DISTINCT a."challengeId")::int AS attempted,
               count(DISTINCT s."challengeId") FILTER (WHERE s.status = 'SCORED' AND r.verdict = 'PASSED')::int AS passed,
               count(DISTINCT s."challengeId") FILTER (WHERE r."approvedAt" IS NOT NULL)::int AS approved
          FROM "Attempt" a
          JOIN "Challenge" c ON c.id = a."challengeId"
          LEFT JOIN "Submission" s ON s."attemptId" = a.id
          LEFT JOIN "Result" r ON r."submissionId" = s.id
         WHERE a."userId" = ${userId}::uuid
         GROUP BY c.kind),
      points AS (
        SELECT c.kind::text AS kind, round(sum(b.points)::numeric, 2)::float8 AS points
          FROM "LeaderboardBest" b JOIN "Challenge" c ON c.id = b."challengeId"
         WHERE b."userId" = ${userId}::uuid AND b."deviceClass" = '*' AND b.period = 'ALL'
         GROUP BY c.kind)
      SELECT t.kind, t.attempted, t.passed, t.approved, coalesce(p.points, 0)::float8 AS points
        FROM tried t LEFT JOIN points p ON p.kind = t.kind`;
  }

  /** The learner's best counted result per challenge, most points first. */
  best(userId: string): Promise<BestResultRecord[]> {
    return this.prisma.$queryRaw<BestResultRecord[]>`
      SELECT c.kind::text AS kind, c.slug AS "challengeSlug", c.title AS "challengeTitle", r."submissionId"::text AS "submissionId",
             b.points, b.speedup, b."achievedAt"
        FROM "LeaderboardBest" b
        JOIN "Challenge" c ON c.id = b."challengeId"
        JOIN "Result" r ON r.id = b."resultId"
       WHERE b."userId" = ${userId}::uuid AND b."deviceClass" = '*' AND b.period = 'ALL'
       ORDER BY b.points DESC, b."achievedAt" ASC, c.slug ASC`;
  }

  /** The learner's points on the global board (all time). */
  async points(userId: string): Promise<number> {
    const total = await this.prisma.leaderboardTotal.findUnique({
      where: { userId_period: { userId, period: 'ALL' } },
      select: { points: true },
    });
    return total?.points ?? 0;
  }

  /** When the learner first passed or was approved in each habit (hidden results do not count). */
  async firstTimes(userId: string): Promise<FirstTimes> {
    const rows = await this.prisma.$queryRaw<{ what: keyof FirstTimes; at: Date; submissionId: string }[]>`
      SELECT DISTINCT ON (what) what, at, "submissionId" FROM (
        SELECT CASE c.kind
                 WHEN 'OPTIMIZE_MODEL' THEN 'firstOptimizePass'
                 WHEN 'AI_FREE_SESSION' THEN 'firstAiFreePass'
               END AS what, r."createdAt" AS at, s.id::text AS "submissionId"
          FROM "Result" r JOIN "Submission" s ON s.id = r."submissionId" JOIN "Challenge" c ON c.id = s."challengeId"
         WHERE s."userId" = ${userId}::uuid AND s.status = 'SCORED' AND r.verdict = 'PASSED' AND r."hiddenAt" IS NULL
           AND c.kind IN ('OPTIMIZE_MODEL', 'AI_FREE_SESSION')
        UNION ALL
        SELECT CASE c.kind WHEN 'PORT_TO_JAX' THEN 'firstPortApproved' ELSE 'firstReportApproved' END, r."approvedAt", s.id::text
          FROM "Result" r JOIN "Submission" s ON s.id = r."submissionId" JOIN "Challenge" c ON c.id = s."challengeId"
         WHERE s."userId" = ${userId}::uuid AND r."approvedAt" IS NOT NULL AND r."hiddenAt" IS NULL
           AND c.kind IN ('PORT_TO_JAX', 'DOCUMENT_RESULTS')) firsts
       ORDER BY what, at ASC, "submissionId" ASC`;
    const first = (what: keyof FirstTimes) => {
      const row = rows.find((candidate) => candidate.what === what);
      return row ? { at: row.at, submissionId: row.submissionId } : null;
    };
    return {
      firstOptimizePass: first('firstOptimizePass'),
      firstPortApproved: first('firstPortApproved'),
      firstReportApproved: first('firstReportApproved'),
      firstAiFreePass: first('firstAiFreePass'),
    };
  }

  /**
   * The ISO weeks (UTC, "2026-W49") in which the learner completed an AI-free session of the
   * challenge's full length with no replay mismatch: code submitted (and scored) no earlier than
   * `fullLengthSlackMs` before the session's deadline, whose edit log replays to the code exactly.
   */
  async aiFreeWeeks(userId: string, fullLengthSlackMs: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ week: string }[]>`
      SELECT DISTINCT to_char((cs."startedAt" + s."editLogCutoffMs" * interval '1 millisecond') AT TIME ZONE 'UTC', 'IYYY-"W"IW') AS week
        FROM "Submission" s
        JOIN "CodingSession" cs ON cs.id = s."codingSessionId"
        JOIN "Result" r ON r."submissionId" = s.id
       WHERE s."userId" = ${userId}::uuid
         AND s.status = 'SCORED'
         AND s."editLogCutoffMs" IS NOT NULL
         AND jsonb_typeof(r.metrics->'integrity'->'replayMatches') = 'boolean'
         AND (r.metrics->'integrity'->>'replayMatches')::boolean
         AND s."editLogCutoffMs" >= extract(epoch FROM cs.deadline - cs."startedAt") * 1000 - ${fullLengthSlackMs}
       ORDER BY week`;
    return rows.map((row) => row.week);
  }

  /** Whether `mentorId` has claimed or decided a review of `learnerId`'s work. */
  async hasMentored(mentorId: string, learnerId: string): Promise<boolean> {
    const count = await this.prisma.reviewEvent.count({
      where: { actorId: mentorId, review: { learnerId }, action: { in: ['CLAIMED', 'APPROVED', 'CHANGES_REQUESTED'] } },
    });
    return count > 0;
  }
}
