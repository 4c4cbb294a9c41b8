import { Injectable } from '@nestjs/common';
import { ChallengeRepository, LeaderboardRepository, type LeaderboardScopeName, type StandingRow } from '@app/db';
import { CommonErrorCode, DomainError } from '@app/domain';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';

/** Leaderboards: public standings (docs/leaderboards.md). */
@Injectable()
export class LeaderboardsService {
  constructor(
    private readonly standings: LeaderboardRepository,
    private readonly challenges: ChallengeRepository,
  ) {}

  /**
   * A page of standings. CHALLENGE needs `challengeSlug`; GLOBAL and TEAM take none.
   * @throws NOT_FOUND (unknown challenge), INVALID_INPUT (a slug where none applies, or none where one is needed), INVALID_CURSOR
   */
  async board(
    args: { scope: LeaderboardScopeName; challengeSlug?: string | null; deviceClass?: string | null; period?: 'ALL_TIME' | 'WEEK' | null },
    first: number,
    after: string | null | undefined,
    now = new Date(),
  ): Promise<ConnectionShape<StandingRow & { isBaseline: boolean }>> {
    if (args.scope === 'CHALLENGE' && !args.challengeSlug) {
      throw new DomainError(CommonErrorCode.InvalidInput, 'a CHALLENGE leaderboard needs challengeSlug');
    }
    if (args.scope !== 'CHALLENGE' && (args.challengeSlug || args.deviceClass)) {
      throw new DomainError(CommonErrorCode.InvalidInput, `a ${args.scope} leaderboard takes no challengeSlug or deviceClass`);
    }
    const challenge = args.challengeSlug ? await this.challenges.findBySlug(args.challengeSlug) : null;
    if (args.challengeSlug && !challenge) throw new DomainError(CommonErrorCode.NotFound, `no challenge "${args.challengeSlug}"`);
    const offset = after ? decodeCursor(after, ['number'] as const)[0] : 0;
    const rows = await this.standings.standings(
      args.scope,
      {
        challengeId: challenge?.id,
        deviceClass: args.deviceClass ?? undefined,
        since: args.period === 'WEEK' ? isoWeekStart(now) : undefined,
      },
      Math.max(0, Math.floor(offset)),
      takeFor(first),
    );
    const numbered = rows.map((row, index) => ({ ...row, isBaseline: false, position: offset + index + 1 }));
    const page = connectionFromRows(numbered, first, (row) => [row.position]);
    return page;
  }
}

/** Monday 00:00 UTC of the ISO week holding `now`. */
export function isoWeekStart(now: Date): Date {
  const day = (now.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - day));
}
