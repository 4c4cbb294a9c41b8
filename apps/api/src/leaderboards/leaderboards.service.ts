import { Injectable, Logger } from '@nestjs/common';
import {
  AuditRepository,
  ChallengeRepository,
  LeaderboardRepository,
  sqlExecutorFor,
  TransactionRunner,
  type BoardAfter,
  type BoardKey,
  type BoardRow,
  type LeaderboardScopeName,
  type StandingsCorrection,
} from '@app/db';
import {
  CommonErrorCode,
  DomainError,
  isUuid,
  LeaderboardError,
  LeaderboardErrorCode,
  Operation,
  periodKey,
  rankPage,
  type RankedPosition,
} from '@app/domain';
import { EventBus, leaderboardEvent, progressEvent } from '@app/events';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';
import { CSV_MAX_ROWS, CSV_PAGE, standingsCsv } from './leaderboard-csv';

export type Period = 'ALL_TIME' | 'WEEK';

export interface BoardArgs {
  scope: LeaderboardScopeName;
  challengeSlug?: string | null;
  deviceClass?: string | null;
  period?: Period | null;
}

/** A row as clients see it. */
export interface StandingRow extends RankedPosition {
  /** The learner's (TEAM: the team's) id; empty for the baseline row. */
  id: string;
  handle: string;
  team: string | null;
  points: number;
  speedup: number | null;
  achievedAt: Date;
  isBaseline: boolean;
}

/** A board resolved from its arguments: what is stored, and whether it ends with the reference model's row. */
export interface ResolvedBoard {
  key: BoardKey;
  challengeSlug: string | null;
  period: Period;
  /** The challenge's publication, for an OPTIMIZE_MODEL board's baseline row; null when it has none. */
  baselineSince: Date | null;
}

/** The handle shown on a baseline row. */
export const BASELINE_HANDLE = 'reference';

/** Longest reason for hiding or showing a result. */
export const MAX_REASON_LENGTH = 500;

/** Cursor: points, achievedAt (ms), id ('' for the baseline row), position, rank. */
const CURSOR = ['number', 'number', 'string', 'number', 'number'] as const;

/** Leaderboards: public standings, and their moderation (docs/leaderboards.md). */
@Injectable()
export class LeaderboardsService {
  private readonly logger = new Logger(LeaderboardsService.name);
  private readonly identities = new Map<string, { id: string; slug: string; kind: string; createdAt: Date }>();

  constructor(
    private readonly standings: LeaderboardRepository,
    private readonly challenges: ChallengeRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
    private readonly events: EventBus,
  ) {}

  /**
   * A page of standings. CHALLENGE needs `challengeSlug`; GLOBAL and TEAM take none.
   * @throws NOT_FOUND (unknown challenge), INVALID_INPUT (a slug where none applies, or none where one is needed), INVALID_CURSOR
   */
  async board(args: BoardArgs, first: number, after: string | null | undefined, now = new Date()): Promise<ConnectionShape<StandingRow>> {
    const board = await this.resolve(args, now);
    const cursor = after ? decodeCursor(after, CURSOR) : null;
    const rows = await this.pageAfter(board, cursor, takeFor(first));
    return connectionFromRows(rows, first, (row) => [row.points, row.achievedAt.getTime(), row.id, row.position, row.rank]);
  }

  /** The whole board as CSV (`GET /leaderboards/:scope.csv`), at most CSV_MAX_ROWS rows. @throws like `board` */
  async csv(args: BoardArgs, now = new Date()): Promise<string> {
    const board = await this.resolve(args, now);
    const rows: StandingRow[] = [];
    let cursor: CursorTuple | null = null;
    while (rows.length < CSV_MAX_ROWS) {
      const page = await this.pageAfter(board, cursor, Math.min(CSV_PAGE, CSV_MAX_ROWS - rows.length));
      rows.push(...page);
      const last = page.at(-1);
      if (!last || page.length < CSV_PAGE || last.isBaseline) break;
      cursor = [last.points, last.achievedAt.getTime(), last.id, last.position, last.rank];
    }
    return standingsCsv(rows);
  }

  /**
   * Checks a board's arguments and finds what is stored for it.
   * @throws NOT_FOUND (unknown challenge), INVALID_INPUT
   */
  async resolve(args: BoardArgs, now = new Date()): Promise<ResolvedBoard> {
    if (args.scope === 'CHALLENGE' && !args.challengeSlug) {
      throw new DomainError(CommonErrorCode.InvalidInput, 'a CHALLENGE leaderboard needs challengeSlug');
    }
    if (args.scope !== 'CHALLENGE' && (args.challengeSlug || args.deviceClass)) {
      throw new DomainError(CommonErrorCode.InvalidInput, `a ${args.scope} leaderboard takes no challengeSlug or deviceClass`);
    }
    if (args.deviceClass !== undefined && args.deviceClass !== null && !/^[a-z0-9-]{1,32}$/.test(args.deviceClass)) {
      throw new DomainError(CommonErrorCode.InvalidInput, 'deviceClass is a device class name such as cpu or cuda');
    }
    const challenge = args.challengeSlug ? await this.challengeIdentity(args.challengeSlug) : null;
    if (args.challengeSlug && !challenge) throw new DomainError(CommonErrorCode.NotFound, `no challenge "${args.challengeSlug}"`);
    const period = args.period ?? 'ALL_TIME';
    return {
      key: {
        scope: args.scope,
        ...(challenge ? { challengeId: challenge.id, deviceClass: args.deviceClass ?? '*' } : {}),
        period: periodKey(period, now),
      },
      challengeSlug: challenge?.slug ?? null,
      period,
      baselineSince: challenge?.kind === 'OPTIMIZE_MODEL' ? challenge.createdAt : null,
    };
  }

  /**
   * A challenge's id, kind and publication, remembered per process: they never change for a slug
   * (catalog sync updates a challenge in place and never deletes one), and every board request
   * needs them. Only existing slugs are remembered, at most IDENTITY_CACHE_SIZE of them.
   */
  private async challengeIdentity(slug: string) {
    const known = this.identities.get(slug);
    if (known) return known;
    const identity = await this.challenges.identity(slug);
    if (identity && this.identities.size < IDENTITY_CACHE_SIZE) this.identities.set(slug, identity);
    return identity;
  }

  /** The current rows (with ranks) of these learners (TEAM: teams) on a board; ids without a row are absent. */
  async entries(board: ResolvedBoard, ids: readonly string[]): Promise<StandingRow[]> {
    const rows = await this.standings.entries(board.key, ids);
    return rows.map((row) => ({ ...row, position: 0, isBaseline: false }));
  }

  /**
   * Hides a result from every board (`hide`) or shows it again, with a reason; audited, announced.
   * @throws FORBIDDEN (not an admin), NOT_FOUND (no such submission, or it has no result yet), REASON_INVALID, RESULT_ALREADY_HIDDEN, RESULT_NOT_HIDDEN
   */
  async setHidden(caller: Caller, input: { submissionId: string; reason: string }, hide: boolean, now = new Date()) {
    const actor = this.authorization.authorize(caller, hide ? Operation.HideResult : Operation.ShowResult);
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > MAX_REASON_LENGTH) {
      throw new LeaderboardError(LeaderboardErrorCode.ReasonInvalid, `give a reason of 1–${MAX_REASON_LENGTH} characters`, {
        limit: MAX_REASON_LENGTH,
      });
    }
    const result = isUuid(input.submissionId) ? await this.standings.resultOf(input.submissionId) : null;
    if (!result) throw new DomainError(CommonErrorCode.NotFound, `submission ${input.submissionId} has no result`);
    return this.transactions.run(async (tx) => {
      const changed = await this.standings.setHidden(result, hide ? { at: now, reason, byId: actor.userId } : null, tx);
      if (!changed) {
        throw hide
          ? new LeaderboardError(LeaderboardErrorCode.AlreadyHidden, `the result of submission ${result.submissionId} is already hidden`)
          : new LeaderboardError(LeaderboardErrorCode.NotHidden, `the result of submission ${result.submissionId} is not hidden`);
      }
      await this.audit.record(
        {
          actorId: actor.userId,
          action: hide ? 'result.hidden' : 'result.shown',
          objectType: 'Result',
          objectId: result.resultId,
          details: { submissionId: result.submissionId, reason },
        },
        tx,
      );
      await this.events.publish(leaderboardEvent(changed), sqlExecutorFor(tx));
      await this.events.publish(progressEvent(result.userId), sqlExecutorFor(tx));
      return { submissionId: result.submissionId, onLeaderboards: !hide, reason, changedAt: now };
    });
  }

  /**
   * Rebuilds every board from the results (writes of standings wait meanwhile); audited. Rows it
   * had to correct mean the incremental upkeep missed something: logged as a warning.
   * @throws FORBIDDEN
   */
  async recompute(caller: Caller): Promise<StandingsCorrection & { corrected: number; tookMs: number }> {
    const actor = this.authorization.authorize(caller, Operation.RecomputeLeaderboards);
    const started = performance.now();
    const corrected = await this.transactions.run(
      async (tx) => {
        const counts = await this.standings.recompute(tx);
        await this.audit.record(
          { actorId: actor.userId, action: 'leaderboards.recomputed', objectType: 'Leaderboard', objectId: 'all', details: { ...counts } },
          tx,
        );
        await this.events.publish(leaderboardEvent({ challengeIds: [], userIds: [], teamIds: [], everything: true }), sqlExecutorFor(tx));
        return counts;
      },
      { timeoutMs: RECOMPUTE_TIMEOUT_MS },
    );
    const total = corrected.bests + corrected.totals + corrected.teams;
    if (total > 0) this.logger.warn(`leaderboard recompute corrected ${total} rows (${JSON.stringify(corrected)})`);
    return { ...corrected, corrected: total, tookMs: Math.round(performance.now() - started) };
  }

  /** A page of real rows after `cursor`, ranked, then the baseline row once the real rows end. */
  private async pageAfter(board: ResolvedBoard, cursor: CursorTuple | null, take: number): Promise<StandingRow[]> {
    if (cursor && cursor[2] === '') return []; // after the baseline row: the board has ended
    const after: BoardAfter | null = cursor ? { points: cursor[0], achievedAt: new Date(cursor[1]), id: cursor[2] } : null;
    const before: RankedPosition | null = cursor ? { points: cursor[0], position: cursor[3], rank: cursor[4] } : null;
    const rows: (BoardRow & { isBaseline: boolean })[] = (await this.standings.page(board.key, after, take)).map((row) => ({
      ...row,
      isBaseline: false,
    }));
    if (rows.length < take && board.baselineSince) {
      rows.push({ id: '', handle: BASELINE_HANDLE, team: null, points: 0, speedup: 1, achievedAt: board.baselineSince, isBaseline: true });
    }
    return rankPage(rows, before);
  }
}

type CursorTuple = [number, number, string, number, number];

/**
 * A recompute at a million results took 163–216 s on the 2-core benchmark machine (bench/leaderboard.ts);
 * the default transaction timeout is 30 s.
 */
const RECOMPUTE_TIMEOUT_MS = 1_800_000;

/** Challenges whose identity a process remembers (the catalog holds tens). */
const IDENTITY_CACHE_SIZE = 10_000;
