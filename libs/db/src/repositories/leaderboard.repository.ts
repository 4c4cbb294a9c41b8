import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';
import { boardEntriesSql, boardPageSql, type BoardAfter, type BoardKey, type BoardRow } from './leaderboard-reads';
import { recomputeStandings, refreshStandings, standingsDrift, type StandingsDelta } from './leaderboard-upkeep';

export type { BoardAfter, BoardKey, BoardRow, LeaderboardScopeName } from './leaderboard-reads';
export type { StandingsDelta } from './leaderboard-upkeep';

/** Rows corrected (or, for a drift check, found wrong) per table. */
export interface StandingsCorrection {
  bests: number;
  totals: number;
  teams: number;
}

/** A result as hiding sees it. */
export interface HideableResult {
  resultId: string;
  submissionId: string;
  userId: string;
  challengeId: string;
  hiddenAt: Date | null;
  hiddenReason: string | null;
}

/**
 * Leaderboards (docs/leaderboards.md): stored standings kept by the writes that change them
 * (leaderboard-upkeep.ts), read page by page from their ranking indexes.
 */
@Injectable()
export class LeaderboardRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Up to `take` rows of a board after `after`, in the board's order. */
  page(board: BoardKey, after: BoardAfter | null, take: number): Promise<BoardRow[]> {
    return this.prisma.$queryRaw<BoardRow[]>(boardPageSql(board, after, take));
  }

  /** The rows of `ids` (learners, or teams for TEAM) on a board, with their ranks; absent ids have no row. */
  entries(board: BoardKey, ids: readonly string[]): Promise<(BoardRow & { rank: number })[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.$queryRaw<(BoardRow & { rank: number })[]>(boardEntriesSql(board, ids));
  }

  /** The handles of these learners ('user') or the slugs of these teams ('team'), for ids that exist. */
  async handlesOf(kind: 'user' | 'team', ids: readonly string[]): Promise<string[]> {
    const rows =
      kind === 'user'
        ? await this.prisma.user.findMany({ where: { id: { in: [...ids] } }, select: { handle: true }, orderBy: { handle: 'asc' } })
        : (await this.prisma.team.findMany({ where: { id: { in: [...ids] } }, select: { slug: true }, orderBy: { slug: 'asc' } })).map(
            (team) => ({ handle: team.slug }),
          );
    return rows.map((row) => row.handle);
  }

  /** The result of a submission, for hiding. */
  async resultOf(submissionId: string, db: Db = this.prisma): Promise<HideableResult | null> {
    const row = await db.result.findUnique({
      where: { submissionId },
      select: {
        id: true,
        submissionId: true,
        hiddenAt: true,
        hiddenReason: true,
        submission: { select: { userId: true, challengeId: true } },
      },
    });
    return row
      ? {
          resultId: row.id,
          submissionId: row.submissionId,
          userId: row.submission.userId,
          challengeId: row.submission.challengeId,
          hiddenAt: row.hiddenAt,
          hiddenReason: row.hiddenReason,
        }
      : null;
  }

  /**
   * Hides a result from every board (`hidden`) or shows it again (null), and brings the learner's
   * standings in line, in `tx`. Conditional: @returns null when the result already was in that state
   */
  async setHidden(
    result: HideableResult,
    hidden: { at: Date; reason: string; byId: string } | null,
    tx: Db,
  ): Promise<StandingsDelta | null> {
    const { count } = await tx.result.updateMany({
      where: { id: result.resultId, hiddenAt: hidden ? null : { not: null } },
      data: hidden
        ? { hiddenAt: hidden.at, hiddenReason: hidden.reason, hiddenById: hidden.byId }
        : { hiddenAt: null, hiddenReason: null, hiddenById: null },
    });
    if (count !== 1) return null;
    return refreshStandings(tx, { userIds: [result.userId], challengeIds: [result.challengeId] });
  }

  /** Rebuilds every board from the results, in `tx`. @returns the rows that were wrong */
  recompute(tx: Db): Promise<StandingsCorrection> {
    return recomputeStandings(tx);
  }

  /** The rows that differ from a rebuild from the results, changing nothing. */
  drift(db: Db = this.prisma): Promise<StandingsCorrection> {
    return standingsDrift(db);
  }
}
