import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ChallengeRepository, LeaderboardRepository } from '@app/db';
import { withClient, type TestDatabase } from '@app/testing';
import { startIntApp, type IntApp } from '../support/int-app';
import { isoWeekStart } from '../../apps/api/src/leaderboards/leaderboards.service';

/** Standings from results on a real database: what counts, ties, sums, teams, the week. */
describe('leaderboard standings', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let intApp: IntApp;
  let board: LeaderboardRepository;
  const challengeIds: Record<string, string> = {};
  const sql = (text: string, values: unknown[] = []) => withClient(database.url, (c) => c.query(text, values));

  beforeAll(async () => {
    intApp = await startIntApp();
    ({ database, app } = intApp);
    for (const slug of ['pruned-mlp-speedup', 'unfold-cnn-speedup', 'document-an-optimization']) {
      challengeIds[slug] = (await app.get(ChallengeRepository).findBySlug(slug))!.id;
    }
    board = app.get(LeaderboardRepository);
  });

  afterAll(async () => {
    await intApp?.stop();
  });

  async function learner(handle: string, team?: string): Promise<string> {
    const id = randomUUID();
    await sql(`INSERT INTO "User" (id, email, handle, "passwordHash", "updatedAt") VALUES ($1, $2, $3, 'x', now())`, [
      id,
      `${id}@example.com`,
      handle,
    ]);
    if (team) {
      await sql(`INSERT INTO "Team" (id, slug, name, "inviteCode") VALUES (gen_random_uuid(), $1, $1, $1) ON CONFLICT (slug) DO NOTHING`, [
        team,
      ]);
      await sql(`INSERT INTO "Membership" ("userId", "teamId", role) SELECT $1, id, 'MEMBER' FROM "Team" WHERE slug = $2`, [id, team]);
    }
    return id;
  }

  /** A scored result of `userId` on `slug`, reached at `at`. */
  async function result(
    userId: string,
    slug: string,
    fields: { points: number; verdict?: string; at: Date; speedup?: number; approvedPoints?: number },
  ) {
    const attemptId = randomUUID();
    const submissionId = randomUUID();
    await sql(
      `INSERT INTO "Attempt" (id, "userId", "challengeId", "challengeVersion", "secretSeed") VALUES ($1, $2, $3, 1, 's')
       ON CONFLICT ("userId", "challengeId", "challengeVersion") DO NOTHING`,
      [attemptId, userId, challengeIds[slug]],
    );
    await sql(
      `INSERT INTO "Submission" (id, "attemptId", "userId", "challengeId", status)
       SELECT $1, a.id, $2, $3, 'SCORED' FROM "Attempt" a WHERE a."userId" = $2 AND a."challengeId" = $3`,
      [submissionId, userId, challengeIds[slug]],
    );
    await sql(
      `INSERT INTO "Result" (id, "submissionId", verdict, points, metrics, flags, environment, "jobId", "scoringClaim", "createdAt", "approvedPoints", "approvedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, '{}', '{"deviceClass":"cpu"}', 'job', 1, $5, $6, $7)`,
      [
        submissionId,
        fields.verdict ?? 'PASSED',
        fields.points,
        JSON.stringify(fields.speedup === undefined ? {} : { timing: { speedup: fields.speedup } }),
        fields.at,
        fields.approvedPoints ?? null,
        fields.approvedPoints === undefined ? null : fields.at,
      ],
    );
  }

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
    await result(dee!, 'pruned-mlp-speedup', { points: 0, verdict: 'FAILED', at: t(0) });
    await result(cy!, 'unfold-cnn-speedup', { points: 400, at: t(20) });
    // A report: scored with points, counted only when approved, with the approved points.
    await result(dee!, 'document-an-optimization', { points: 300, at: t(30) });
    await result(ada!, 'document-an-optimization', { points: 300, at: t(31), approvedPoints: 240 });

    const challenge = await board.standings('CHALLENGE', { challengeId: challengeIds['pruned-mlp-speedup'] }, 0, 10);
    expect(challenge.map(({ rank, handle, points, speedup }) => ({ rank, handle, points, speedup }))).toEqual([
      { rank: 1, handle: 'lb-bob', points: 300, speedup: 8.0 },
      { rank: 1, handle: 'lb-ada', points: 300, speedup: 8.2 },
      { rank: 3, handle: 'lb-cy', points: 100, speedup: 3.3 },
    ]);
    // The reference model's own row closes the board of a timed challenge: speedup 1.0, no points.
    const withBaseline = await board.standings('CHALLENGE', { challengeId: challengeIds['pruned-mlp-speedup'], baseline: true }, 0, 10);
    expect(
      withBaseline.map(({ rank, handle, points, speedup, isBaseline }) => ({ rank, handle, points, speedup, isBaseline })).at(-1),
    ).toEqual({
      rank: 4,
      handle: 'reference',
      points: 0,
      speedup: 1,
      isBaseline: true,
    });
    expect(withBaseline).toHaveLength(4);
    const reports = await board.standings('CHALLENGE', { challengeId: challengeIds['document-an-optimization'] }, 0, 10);
    expect(reports.map(({ handle, points }) => ({ handle, points }))).toEqual([{ handle: 'lb-ada', points: 240 }]);

    const global = await board.standings('GLOBAL', {}, 0, 10);
    expect(global.map(({ rank, handle, points, team }) => ({ rank, handle, points, team }))).toEqual([
      { rank: 1, handle: 'lb-ada', points: 540, team: 'lb-red' },
      { rank: 2, handle: 'lb-cy', points: 500, team: 'lb-blue' },
      { rank: 3, handle: 'lb-bob', points: 300, team: 'lb-red' },
    ]);
    const teams = await board.standings('TEAM', {}, 0, 10);
    expect(teams.map(({ rank, handle, points }) => ({ rank, handle, points }))).toEqual([
      { rank: 1, handle: 'lb-red', points: 840 },
      { rank: 2, handle: 'lb-blue', points: 500 },
    ]);
    // Pages continue where the last one stopped.
    expect((await board.standings('GLOBAL', {}, 1, 10)).map((row) => row.handle)).toEqual(['lb-cy', 'lb-bob']);
    // The week: only results reached since Monday 00:00 UTC of the week asked about.
    const since = isoWeekStart(new Date(Date.UTC(2026, 10, 2, 10, 30)));
    expect(since.toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect(
      (await board.standings('GLOBAL', { since: new Date(Date.UTC(2026, 10, 2, 10, 8)) }, 0, 10)).map((row) => [row.handle, row.points]),
    ).toEqual([
      ['lb-ada', 540],
      ['lb-cy', 400],
    ]);
  });
});
