import { Injectable } from '@nestjs/common';
import { KINDS_REQUIRING_REVIEW } from '@app/domain';
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
  /** When the points were reached (the baseline: when the challenge was published). */
  achievedAt: Date;
  /** The reference model's own row: no learner, speedup 1.0, no points. */
  isBaseline: boolean;
}

/** The handle shown on a baseline row. */
const BASELINE_HANDLE = 'reference';

/**
 * Standings computed from the results when asked (the first version of DESIGN.md §3's
 * leaderboards): the best counted result per learner and challenge, summed for GLOBAL and, over
 * the team's current members, for TEAM. A result counts when it PASSED with points, or, for the
 * kinds that need a review, once a mentor approved it (its approved points). Ranks are standard
 * competition ranks over points (equal points, equal rank); rows are ordered by points, then the
 * earlier time they were reached, then id. A CHALLENGE board of a timed challenge can carry the
 * reference model's own row (speedup 1.0, 0 points): where "no change" stands.
 */
@Injectable()
export class LeaderboardRepository {
  constructor(private readonly prisma: PrismaService) {}

  async standings(
    scope: LeaderboardScopeName,
    filter: { challengeId?: string; deviceClass?: string; since?: Date; baseline?: boolean },
    offset: number,
    take: number,
  ): Promise<StandingRow[]> {
    const reviewed = [...KINDS_REQUIRING_REVIEW];
    const counted = Prisma.sql`
      SELECT DISTINCT ON (s."userId", s."challengeId")
             s."userId", s."challengeId",
             CASE WHEN c.kind::text = ANY(${reviewed}) THEN r."approvedPoints" ELSE r.points END AS points,
             CASE WHEN c.kind::text = ANY(${reviewed}) THEN r."approvedAt" ELSE r."createdAt" END AS at,
             CASE WHEN jsonb_typeof(r.metrics->'timing'->'speedup') = 'number' THEN (r.metrics->'timing'->>'speedup')::float8 END AS speedup
        FROM "Result" r
        JOIN "Submission" s ON s.id = r."submissionId"
        JOIN "Challenge" c ON c.id = s."challengeId"
       WHERE s.status = 'SCORED'
         AND (CASE WHEN c.kind::text = ANY(${reviewed}) THEN r."approvedAt" IS NOT NULL
                   ELSE r.verdict = 'PASSED' AND r.points > 0 END)
         ${filter.challengeId ? Prisma.sql`AND s."challengeId" = ${filter.challengeId}::uuid` : Prisma.empty}
         ${filter.deviceClass ? Prisma.sql`AND r.environment->>'deviceClass' = ${filter.deviceClass}` : Prisma.empty}
         ${filter.since ? Prisma.sql`AND (CASE WHEN c.kind::text = ANY(${reviewed}) THEN r."approvedAt" ELSE r."createdAt" END) >= ${filter.since}` : Prisma.empty}
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
                   false AS "isBaseline",
                   rank() OVER (ORDER BY sum(l.points) DESC)::int AS rank
              FROM learners l JOIN "Membership" m ON m."userId" = l.id JOIN "Team" t ON t.id = m."teamId"
             GROUP BY t.id, t.slug, t.name
             ORDER BY points DESC, at ASC, t.id ASC
             OFFSET ${offset} LIMIT ${take}`
        : await this.prisma.$queryRaw<RawRow[]>`
            WITH counted AS (${counted}), learners AS (${perLearner}), entries AS (
              SELECT id, points, at, speedup, false AS baseline FROM learners
              ${
                scope === 'CHALLENGE' && filter.baseline && filter.challengeId
                  ? Prisma.sql`UNION ALL SELECT NULL::uuid, 0, c."createdAt", 1.0::float8, true FROM "Challenge" c WHERE c.id = ${filter.challengeId}::uuid`
                  : Prisma.empty
              })
            SELECT coalesce(u.handle, ${BASELINE_HANDLE}) AS handle, t.name AS team, e.points::float8 AS points, e.at, e.speedup,
                   e.baseline AS "isBaseline", rank() OVER (ORDER BY e.points DESC)::int AS rank
              FROM entries e LEFT JOIN "User" u ON u.id = e.id
              LEFT JOIN "Membership" m ON m."userId" = e.id LEFT JOIN "Team" t ON t.id = m."teamId"
             ORDER BY e.points DESC, e.at ASC, e.baseline ASC, e.id ASC
             OFFSET ${offset} LIMIT ${take}`;
    return rows.map((row) => ({
      rank: row.rank,
      handle: row.handle,
      team: row.team,
      points: row.points,
      speedup: row.speedup,
      achievedAt: row.at,
      isBaseline: row.isBaseline,
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
  isBaseline: boolean;
}
