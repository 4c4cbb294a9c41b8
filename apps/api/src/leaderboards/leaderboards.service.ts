import { Injectable } from '@nestjs/common';
import { ChallengeRepository, LeaderboardRepository, type LeaderboardScopeName, type StandingRow } from '@app/db';
import { CommonErrorCode, DomainError } from '@app/domain';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';

export interface BoardArgs {
  scope: LeaderboardScopeName;
  challengeSlug?: string | null;
  deviceClass?: string | null;
  period?: 'ALL_TIME' | 'WEEK' | null;
}

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
  async board(args: BoardArgs, first: number, after: string | null | undefined, now = new Date()): Promise<ConnectionShape<StandingRow>> {
    const filter = await this.filterFor(args, now);
    const offset = after ? decodeCursor(after, ['number'] as const)[0] : 0;
    const rows = await this.standings.standings(args.scope, filter, Math.max(0, Math.floor(offset)), takeFor(first));
    const numbered = rows.map((row, index) => ({ ...row, position: offset + index + 1 }));
    const page = connectionFromRows(numbered, first, (row) => [row.position]);
    return page;
  }

  /** The whole board as CSV (`GET /leaderboards/:scope.csv`). @throws like `board` */
  async csv(args: BoardArgs, now = new Date()): Promise<string> {
    const filter = await this.filterFor(args, now);
    return standingsCsv(await allStandings((offset, take) => this.standings.standings(args.scope, filter, offset, take)));
  }

  private async filterFor(args: BoardArgs, now: Date) {
    if (args.scope === 'CHALLENGE' && !args.challengeSlug) {
      throw new DomainError(CommonErrorCode.InvalidInput, 'a CHALLENGE leaderboard needs challengeSlug');
    }
    if (args.scope !== 'CHALLENGE' && (args.challengeSlug || args.deviceClass)) {
      throw new DomainError(CommonErrorCode.InvalidInput, `a ${args.scope} leaderboard takes no challengeSlug or deviceClass`);
    }
    const challenge = args.challengeSlug ? await this.challenges.findBySlug(args.challengeSlug) : null;
    if (args.challengeSlug && !challenge) throw new DomainError(CommonErrorCode.NotFound, `no challenge "${args.challengeSlug}"`);
    return {
      challengeId: challenge?.id,
      deviceClass: args.deviceClass ?? undefined,
      since: args.period === 'WEEK' ? isoWeekStart(now) : undefined,
      baseline: challenge?.kind === 'OPTIMIZE_MODEL',
    };
  }
}

/** Monday 00:00 UTC of the ISO week holding `now`. */
export function isoWeekStart(now: Date): Date {
  const day = (now.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - day));
}

/** The rows an export holds at most: a board longer than this is cut (the header row says so). */
export const CSV_MAX_ROWS = 100_000;
const CSV_PAGE = 1_000;

/** A CSV field: quoted when needed, and a leading =, +, -, @ neutralised so spreadsheets never run it as a formula. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = ['rank', 'handle', 'team', 'points', 'speedup', 'achieved_at', 'is_baseline'] as const;

/** The rows of a board as CSV (RFC 4180: CRLF line ends, a header row). */
export function standingsCsv(rows: readonly StandingRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const row of rows) {
    lines.push(
      [row.rank, row.handle, row.team, row.points, row.speedup, row.achievedAt.toISOString(), row.isBaseline].map(csvField).join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** Every row of a board, page by page, at most CSV_MAX_ROWS. */
export async function allStandings(page: (offset: number, take: number) => Promise<StandingRow[]>): Promise<StandingRow[]> {
  const rows: StandingRow[] = [];
  for (let offset = 0; offset < CSV_MAX_ROWS; offset += CSV_PAGE) {
    const next = await page(offset, Math.min(CSV_PAGE, CSV_MAX_ROWS - offset));
    rows.push(...next);
    if (next.length < CSV_PAGE) break;
  }
  return rows;
}
