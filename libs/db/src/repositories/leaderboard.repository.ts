import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';

export type LeaderboardScopeName = 'CHALLENGE' | 'GLOBAL' | 'TEAM';

export interface StandingRow {
  rank: number;
  /** The learner's handle; for TEAM, the team's slug. */
  handle: string;
  /** The learner's current team (its name), or the team itself for TEAM. */
  team: string | null;
  points: number;
  /** CHALLENGE scope of a timed challenge: the speedup of the counted result. */
  speedup: number | null;
  /** When the points were reached. */
  achievedAt: Date;
}

/**
 * Standings computed from the results when asked (the first version of DESIGN.md §3's
 * leaderboards): the best counted result per learner and challenge, summed for GLOBAL and, over
 * the team's current members, for TEAM. A result counts when it PASSED with points, or, for the
 * kinds that need a review, once a mentor approved it (its approved points). Ranks are standard
 * competition ranks over points (equal points, equal rank); rows are ordered by points, then the
 * earlier time they were reached, then id.
 */
@Injectable()
export class LeaderboardRepository {
  constructor(private readonly prisma: PrismaService) {}

  async standings(
    scope: LeaderboardScopeName,
    filter: { challengeId?: string; deviceClass?: string; since?: Date },
    offset: number,
    take: number,
  ): Promise<StandingRow[]> {
    const counted = Prisma.sql`
      SELECT DISTINCT ON (s."userId", s."challengeId")
             s."userId", s."challengeId",
             CASE WHEN c.kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN r."approvedPoints" ELSE r.points END AS points,
             CASE WHEN c.kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN r."approvedAt" ELSE r."createdAt" END AS at,
             CASE WHEN jsonb_typeof(r.metrics->'timing'->'speedup') = 'number' THEN (r.metrics->'timing'->>'speedup')::float8 END AS speedup
        FROM "Result" r
        JOIN "Submission" s ON s.id = r."submissionId"
        JOIN "Challenge" c ON c.id = s."challengeId"
       WHERE s.status = 'SCORED'
         AND (CASE WHEN c.kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN r."approvedAt" IS NOT NULL
                   ELSE r.verdict = 'PASSED' AND r.points > 0 END)
         ${filter.challengeId ? Prisma.sql`AND s."challengeId" = ${filter.challengeId}::uuid` : Prisma.empty}
         ${filter.deviceClass ? Prisma.sql`AND r.environment->>'deviceClass' = ${filter.deviceClass}` : Prisma.empty}
         ${filter.since ? Prisma.sql`AND (CASE WHEN c.kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN r."approvedAt" ELSE r."createdAt" END) >= ${filter.since}` : Prisma.empty}
       ORDER BY s."userId", s."challengeId", 3 DESC, 4 ASC`;
    const perLearner =
      scope === 'CHALLENGE'
        ? Prisma.sql`SELECT "userId" AS id, points, at, speedup FROM counted`
        : Prisma.sql`SELECT "userId" AS id, sum(points) AS points, max(at) AS at, NULL::float8 AS speedup FROM counted GROUP BY "userId"`;
    const rows =
      scope === 'TEAM'
        ? await this.prisma.$queryRaw<RawRow[]>`
            WITH counted AS (${counted}), learners AS (${perLearner})
            SELECT t.slug AS handle, t.name AS team, sum(l.points)::float8 AS points, max(l.at) AS at, NULL::float8 AS speedup,
                   rank() OVER (ORDER BY sum(l.points) DESC)::int AS rank
              FROM learners l JOIN "Membership" m ON m."userId" = l.id JOIN "Team" t ON t.id = m."teamId"
             GROUP BY t.id, t.slug, t.name
             ORDER BY points DESC, at ASC, t.id ASC
             OFFSET ${offset} LIMIT ${take}`
        : await this.prisma.$queryRaw<RawRow[]>`
            WITH counted AS (${counted}), learners AS (${perLearner})
            SELECT u.handle, t.name AS team, l.points::float8 AS points, l.at, l.speedup,
                   rank() OVER (ORDER BY l.points DESC)::int AS rank
              FROM learners l JOIN "User" u ON u.id = l.id
              LEFT JOIN "Membership" m ON m."userId" = l.id LEFT JOIN "Team" t ON t.id = m."teamId"
             ORDER BY l.points DESC, l.at ASC, l.id ASC
             OFFSET ${offset} LIMIT ${take}`;
    return rows.map((row) => ({
      rank: row.rank,
      handle: row.handle,
      team: row.team,
      points: row.points,
      speedup: row.speedup,
      achievedAt: row.at,
    }));
  }
}

interface RawRow {
  rank: number;
  handle: string;
  team: string | null;
  points: number;
  speedup: number | null;
  at: Date;
}
