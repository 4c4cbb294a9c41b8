import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ChallengeRepository, LeaderboardRepository, TransactionRunner } from '@app/db';
import { withClient, type TestDatabase } from '@app/testing';
import { startIntApp, type IntApp } from '../support/int-app';
import { seedResult, type SeededResult } from '../support/leaderboard-seed';
import { LeaderboardsService, type BoardArgs, type StandingRow } from '../../apps/api/src/leaderboards/leaderboards.service';

/**
 * The boards computed from results on a real database: what counts, ties, sums, teams, pages,
 * the reference row, the week. Results are seeded with plain SQL, the boards rebuilt from them by
 * `LeaderboardRepository.recompute` (the "from results" path), and read as clients read them,
 * through `LeaderboardsService.board`. That the incremental upkeep keeps the same boards is
 * leaderboard-property.int-spec.ts.
 */
describe('leaderboard standings', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let intApp: IntApp;
  let standings: LeaderboardRepository;
  let service: LeaderboardsService;
  const challengeIds: Record<string, string> = {};
  const sql = (text: string, values: unknown[] = []) => withClient(database.url, (c) => c.query(text, values));

  beforeAll(async () => {
    intApp = await startIntApp();
    ({ database, app } = intApp);
    for (const slug of ['pruned-mlp-speedup', 'unfold-cnn-speedup', 'document-an-optimization']) {
      challengeIds[slug] = (await app.get(ChallengeRepository).findBySlug(slug))!.id;
    }
    standings = app.get(LeaderboardRepository);
    service = app.get(LeaderboardsService);
  });

  afterAll(async () => {
    await intApp?.stop();
  });

  /** Each test seeds its own results on empty boards. */
  beforeEach(async () => {
    await sql(
      `TRUNCATE "LeaderboardBest", "LeaderboardTotal", "LeaderboardTeamTotal", "Result", "Submission", "Attempt", "Membership", "Team" CASCADE`,
    );
  });

  async function learner(handle: string, team?: string): Promise<string> {
    const id = randomUUID();
    await sql(`INSERT INTO "User" (id, email, handle, "passwordHash", "updatedAt") VALUES ($1, $2, $3, 'x', now())`, [
      id,
      `${id}@example.com`,
      handle,
    ]);
    if (team) {
      // Learners of one team are created concurrently: the team's slug and invite code are both
      // unique, and ON CONFLICT with a target handles only that index's conflict, so none here.
      await sql(`INSERT INTO "Team" (id, slug, name, "inviteCode") VALUES (gen_random_uuid(), $1, $1, $1) ON CONFLICT DO NOTHING`, [team]);
      await sql(`INSERT INTO "Membership" ("userId", "teamId", role) SELECT $1, id, 'MEMBER' FROM "Team" WHERE slug = $2`, [id, team]);
    }
    return id;
  }

  /** A result of `userId` on `slug` (see seedResult). */
  const result = (userId: string, slug: string, fields: SeededResult) => seedResult(database.url, userId, challengeIds[slug]!, fields);

  /** The boards rebuilt from the results, as the admin recompute does. */
  async function recompute() {
    await app.get(TransactionRunner).run((tx) => standings.recompute(tx));
    expect(await standings.drift()).toEqual({ bests: 0, totals: 0, teams: 0 });
  }

  async function page(args: BoardArgs, first: number, after: string | null = null, now?: Date) {
    const connection = await service.board(args, first, after, now);
    return { rows: connection.edges.map((edge) => edge.node), ...connection.pageInfo };
  }

  const view = ({ rank, handle, team, points, speedup, isBaseline }: StandingRow) => ({ rank, handle, team, points, speedup, isBaseline });
  const pointsOf = (rows: StandingRow[]) => rows.map((row) => [row.rank, row.handle, row.points]);

  it('ranks the best counted result per learner: ties share a rank and keep the earlier first; reviewed kinds only once approved', async () => {
    const t = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 10, minutes));
    const [ada, bob, cy, dee] = await Promise.all([
      learner('lb-ada', 'lb-red'),
      learner('lb-bob', 'lb-red'),
      learner('lb-cy', 'lb-blue'),
      learner('lb-dee'),
    ]);
    await result(ada!, 'pruned-mlp-speedup', { points: 150, at: t(5), speedup: 4.1 });
    await result(ada!, 'pruned-mlp-speedup', { points: 300, at: t(9), speedup: 8.2 });
    await result(bob!, 'pruned-mlp-speedup', { points: 300, at: t(7), speedup: 8.0 });
    await result(cy!, 'pruned-mlp-speedup', { points: 100, at: t(1), speedup: 3.3 });
    // Not counted: a failed result, a hidden one, a passing result of a rejected submission.
    await result(dee!, 'pruned-mlp-speedup', { points: 0, verdict: 'FAILED', at: t(0) });
    await result(cy!, 'pruned-mlp-speedup', { points: 900, at: t(2), speedup: 20, hidden: true });
    await result(dee!, 'unfold-cnn-speedup', { points: 800, at: t(3), status: 'REJECTED' });
    await result(cy!, 'unfold-cnn-speedup', { points: 400, at: t(20) });
    // A report: scored with points, counted only when approved, with the approved points.
    await result(dee!, 'document-an-optimization', { points: 300, at: t(30) });
    await result(ada!, 'document-an-optimization', { points: 300, at: t(31), approvedPoints: 240 });
    await recompute();

    const pruned = await page({ scope: 'CHALLENGE', challengeSlug: 'pruned-mlp-speedup' }, 10);
    expect(pruned.rows.map(view)).toEqual([
      { rank: 1, handle: 'lb-bob', team: 'lb-red', points: 300, speedup: 8.0, isBaseline: false },
      { rank: 1, handle: 'lb-ada', team: 'lb-red', points: 300, speedup: 8.2, isBaseline: false },
      { rank: 3, handle: 'lb-cy', team: 'lb-blue', points: 100, speedup: 3.3, isBaseline: false },
      // The reference model's own row closes the board of a timed challenge: speedup 1.0, no points.
      { rank: 4, handle: 'reference', team: null, points: 0, speedup: 1, isBaseline: true },
    ]);
    expect(pruned.hasNextPage).toBe(false);

    const reports = await page({ scope: 'CHALLENGE', challengeSlug: 'document-an-optimization' }, 10);
    expect(reports.rows.map(view)).toEqual([{ rank: 1, handle: 'lb-ada', team: 'lb-red', points: 240, speedup: null, isBaseline: false }]);

    const global = await page({ scope: 'GLOBAL' }, 10);
    expect(global.rows.map(({ rank, handle, points, team }) => ({ rank, handle, points, team }))).toEqual([
      { rank: 1, handle: 'lb-ada', points: 540, team: 'lb-red' },
      { rank: 2, handle: 'lb-cy', points: 500, team: 'lb-blue' },
      { rank: 3, handle: 'lb-bob', points: 300, team: 'lb-red' },
    ]);
    const teams = await page({ scope: 'TEAM' }, 10);
    expect(teams.rows.map(({ rank, handle, points }) => ({ rank, handle, points }))).toEqual([
      { rank: 1, handle: 'lb-red', points: 840 },
      { rank: 2, handle: 'lb-blue', points: 500 },
    ]);

    // Pages continue where the last one stopped.
    const first = await page({ scope: 'GLOBAL' }, 1);
    expect(pointsOf(first.rows)).toEqual([[1, 'lb-ada', 540]]);
    expect(first.hasNextPage).toBe(true);
    const rest = await page({ scope: 'GLOBAL' }, 10, first.endCursor);
    expect(pointsOf(rest.rows)).toEqual([
      [2, 'lb-cy', 500],
      [3, 'lb-bob', 300],
    ]);
    expect(rest.hasNextPage).toBe(false);
  });

  it('pages a board with its ranks across a tie at the page edge, the reference row last on the last page', async () => {
    const t = (minutes: number) => new Date(Date.UTC(2026, 10, 3, 9, minutes));
    const [ada, bob, cy] = await Promise.all([learner('pg-ada'), learner('pg-bob'), learner('pg-cy')]);
    await result(bob!, 'pruned-mlp-speedup', { points: 300, at: t(1), speedup: 8 });
    await result(ada!, 'pruned-mlp-speedup', { points: 300, at: t(2), speedup: 9 });
    await result(cy!, 'pruned-mlp-speedup', { points: 100, at: t(3), speedup: 3 });
    await recompute();
    const board = { scope: 'CHALLENGE', challengeSlug: 'pruned-mlp-speedup' } as const;

    // One row a page: the tie continues across the edge (rank 1 twice), then rank 3, then the reference.
    const pages: (string | number | boolean)[][][] = [];
    let after: string | null = null;
    for (;;) {
      const next = await page(board, 1, after);
      pages.push(next.rows.map((row) => [row.rank, row.handle, row.points, row.isBaseline]));
      if (!next.hasNextPage) break;
      after = next.endCursor;
    }
    expect(pages).toEqual([
      [[1, 'pg-bob', 300, false]],
      [[1, 'pg-ada', 300, false]],
      [[3, 'pg-cy', 100, false]],
      [[4, 'reference', 0, true]],
    ]);

    // Two a page: the tie is on the first; the last page is the third learner and the reference.
    const two = await page(board, 2);
    expect(pointsOf(two.rows)).toEqual([
      [1, 'pg-bob', 300],
      [1, 'pg-ada', 300],
    ]);
    const last = await page(board, 2, two.endCursor);
    expect(last.rows.map((row) => [row.rank, row.handle, row.isBaseline])).toEqual([
      [3, 'pg-cy', false],
      [4, 'reference', true],
    ]);
    expect(last.hasNextPage).toBe(false);

    // Exactly the real rows on a page: the reference row is the next page, alone.
    const three = await page(board, 3);
    expect(three.rows.map((row) => row.handle)).toEqual(['pg-bob', 'pg-ada', 'pg-cy']);
    expect(three.hasNextPage).toBe(true);
    const closing = await page(board, 3, three.endCursor);
    expect(closing.rows.map(view)).toEqual([{ rank: 4, handle: 'reference', team: null, points: 0, speedup: 1, isBaseline: true }]);
    expect(closing.hasNextPage).toBe(false);
    // After the reference row, nothing.
    expect((await page(board, 3, closing.endCursor)).rows).toEqual([]);

    // A tie at the edge of a GLOBAL page: equal totals share the rank on the next page too.
    const tied = await page({ scope: 'GLOBAL' }, 1);
    const tiedNext = await page({ scope: 'GLOBAL' }, 5, tied.endCursor);
    expect([...pointsOf(tied.rows), ...pointsOf(tiedNext.rows)]).toEqual([
      [1, 'pg-bob', 300],
      [1, 'pg-ada', 300],
      [3, 'pg-cy', 100],
    ]);
  });

  it('keeps a board per device class, and "*" over every class; points are ranked as stored, rounded to 2 decimals', async () => {
    const t = (minutes: number) => new Date(Date.UTC(2026, 10, 4, 9, minutes));
    const [ada, bob] = await Promise.all([learner('dc-ada'), learner('dc-bob')]);
    await result(ada!, 'unfold-cnn-speedup', { points: 120.004, at: t(1), speedup: 2, deviceClass: 'cpu' });
    await result(ada!, 'unfold-cnn-speedup', { points: 200, at: t(2), speedup: 5, deviceClass: 'cuda' });
    await result(bob!, 'unfold-cnn-speedup', { points: 120, at: t(0), speedup: 2.5, deviceClass: 'cpu' });
    // 1.005 is 1.00499999… as a double; PostgreSQL's numeric sees 1.005 and rounds it to 1.01.
    await result(bob!, 'pruned-mlp-speedup', { points: 1.005, at: t(3), speedup: 1.1, deviceClass: 'cuda' });
    await recompute();
    const board = (deviceClass: string | null) =>
      page({ scope: 'CHALLENGE', challengeSlug: 'unfold-cnn-speedup', deviceClass }, 10).then((p) =>
        p.rows.filter((row) => !row.isBaseline).map((row) => [row.rank, row.handle, row.points, row.speedup]),
      );
    // 120.004 is stored as 120: a tie with bob's 120, who reached it first.
    expect(await board('cpu')).toEqual([
      [1, 'dc-bob', 120, 2.5],
      [1, 'dc-ada', 120, 2],
    ]);
    expect(await board('cuda')).toEqual([[1, 'dc-ada', 200, 5]]);
    expect(await board(null)).toEqual([
      [1, 'dc-ada', 200, 5],
      [2, 'dc-bob', 120, 2.5],
    ]);
    expect(pointsOf((await page({ scope: 'GLOBAL' }, 10)).rows)).toEqual([
      [1, 'dc-ada', 200],
      [2, 'dc-bob', 121.01],
    ]);
  });

  it('a WEEK board holds the points reached in that ISO week (UTC), Monday 00:00 to Sunday 23:59:59.999', async () => {
    const sunday = new Date('2026-11-01T23:59:59.000Z'); // 2026-W44
    const monday = new Date('2026-11-02T00:00:00.000Z'); // 2026-W45
    const [ada, bob, cy] = await Promise.all([learner('wk-ada', 'wk-team'), learner('wk-bob', 'wk-team'), learner('wk-cy')]);
    await result(ada!, 'pruned-mlp-speedup', { points: 100, at: sunday, speedup: 2 });
    await result(bob!, 'pruned-mlp-speedup', { points: 200, at: monday, speedup: 3 });
    await result(ada!, 'unfold-cnn-speedup', { points: 50, at: new Date('2026-11-08T23:59:59.999Z') }); // W45's last ms
    await result(cy!, 'unfold-cnn-speedup', { points: 70, at: new Date('2026-11-09T00:00:00.000Z') }); // 2026-W46
    await result(cy!, 'pruned-mlp-speedup', { points: 10, at: new Date('2026-10-20T12:00:00.000Z') }); // 2026-W43
    // A report counts in the week it was approved, not the week it was written.
    await result(bob!, 'document-an-optimization', { points: 300, at: sunday, approvedPoints: 30, approvedAt: monday });
    // A better result in a later week is the best of all time, and leaves the earlier week's best alone.
    await result(bob!, 'pruned-mlp-speedup', { points: 250, at: new Date('2026-11-10T08:00:00.000Z'), speedup: 4 });
    await recompute();

    const week = async (now: Date, scope: 'GLOBAL' | 'TEAM' = 'GLOBAL') =>
      pointsOf((await page({ scope, period: 'WEEK' }, 10, null, now)).rows);
    expect(await week(new Date('2026-11-01T23:59:59.999Z'))).toEqual([[1, 'wk-ada', 100]]);
    expect(await week(monday)).toEqual([
      [1, 'wk-bob', 230],
      [2, 'wk-ada', 50],
    ]);
    expect(await week(new Date('2026-11-08T23:59:59.999Z'))).toEqual([
      [1, 'wk-bob', 230],
      [2, 'wk-ada', 50],
    ]);
    expect(await week(new Date('2026-11-09T00:00:00.000Z'))).toEqual([
      [1, 'wk-bob', 250],
      [2, 'wk-cy', 70],
    ]);
    expect(await week(new Date('2026-10-22T00:00:00.000Z'))).toEqual([[1, 'wk-cy', 10]]);
    expect(await week(new Date('2026-11-20T00:00:00.000Z'))).toEqual([]);
    expect(await week(monday, 'TEAM')).toEqual([[1, 'wk-team', 280]]);
    expect(await week(sunday, 'TEAM')).toEqual([[1, 'wk-team', 100]]);
    // All time: the best of each challenge, whatever its week; `now` does not matter.
    expect(pointsOf((await page({ scope: 'GLOBAL', period: 'ALL_TIME' }, 10, null, sunday)).rows)).toEqual([
      [1, 'wk-bob', 280],
      [2, 'wk-ada', 150],
      [3, 'wk-cy', 80],
    ]);
    // A CHALLENGE board has its weeks too.
    const prunedWeek = await page({ scope: 'CHALLENGE', challengeSlug: 'pruned-mlp-speedup', period: 'WEEK' }, 10, null, monday);
    expect(prunedWeek.rows.map((row) => [row.rank, row.handle, row.points, row.speedup])).toEqual([
      [1, 'wk-bob', 200, 3],
      [2, 'reference', 0, 1],
    ]);
  });

  it('a WEEK board at the turn of the year uses the ISO week-numbering year (2027-01-01 is in 2026-W53)', async () => {
    const [ada, bob] = await Promise.all([learner('yr-ada'), learner('yr-bob')]);
    await result(ada!, 'pruned-mlp-speedup', { points: 40, at: new Date('2027-01-01T12:00:00.000Z') }); // Friday, 2026-W53
    await result(bob!, 'pruned-mlp-speedup', { points: 60, at: new Date('2027-01-04T00:00:00.000Z') }); // Monday, 2027-W01
    await result(bob!, 'unfold-cnn-speedup', { points: 5, at: new Date('2025-12-31T12:00:00.000Z') }); // Wednesday, 2026-W01
    await recompute();
    const week = async (now: string) => pointsOf((await page({ scope: 'GLOBAL', period: 'WEEK' }, 10, null, new Date(now))).rows);
    expect(await week('2026-12-28T00:00:00.000Z')).toEqual([[1, 'yr-ada', 40]]);
    expect(await week('2027-01-03T23:59:59.999Z')).toEqual([[1, 'yr-ada', 40]]);
    expect(await week('2027-01-04T00:00:00.000Z')).toEqual([[1, 'yr-bob', 60]]);
    expect(await week('2026-01-01T00:00:00.000Z')).toEqual([[1, 'yr-bob', 5]]);
  });
});
