import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { errorCode, makeRole, register, type Account } from '../support/accounts';
import { catalogModel, startAttempt, submitModel, uploadBytes, waitForEnd } from '../support/scoring';
import { FixedClock, startTestApp, type TestApp } from '../support/test-app';

const CHALLENGES_DIR = join(__dirname, '..', '..', 'libs', 'catalog', 'challenges');
const aiSolution = (slug: string) => readFileSync(join(CHALLENGES_DIR, slug, 'solution.ai.js'), 'utf8');

const PROGRESS_FIELDS = `points asOf milestones milestoneDetails { code reachedAt submissionId }
  habits { kind attempted passed approved points } aiFreeStreak { current longest } journalStreak { current longest }
  best { challengeSlug points speedup submissionId }`;

interface ProgressView {
  points: number;
  asOf: string;
  milestones: string[];
  milestoneDetails: { code: string; reachedAt: string | null; submissionId: string | null }[];
  habits: { kind: string; attempted: number; passed: number; approved: number; points: number }[];
  aiFreeStreak: { current: number; longest: number };
  journalStreak: { current: number; longest: number };
  best: { challengeSlug: string; points: number; speedup: number | null; submissionId: string }[];
}

/**
 * Progress end to end (issue #12): the milestone and points of a passed optimize challenge, seen
 * live over progressUpdated; the weekly AI-free streak with the server's clock at the edges of ISO
 * weeks (sessions scored for real by the embedded scorer); who may read a learner's progress.
 */
describe('learner progress', () => {
  // Sunday 2026-11-29, 23:14 UTC: a 45-minute session from here ends at 23:59, in ISO week 2026-W48.
  const clock = new FixedClock(new Date('2026-11-29T23:14:00.000Z'));
  let app: TestApp;
  let ada: Account;

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded', SANDBOX_TASK_TIMEOUT_MS: '60000' }, undefined, clock);
    ada = await register(app, 'progress-ada');
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  const progressOf = async (account: Account): Promise<ProgressView> => {
    const { body } = await app.graphql(`{ me { progress { ${PROGRESS_FIELDS} } } }`, {}, account.auth);
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return (body.data.me as { progress: ProgressView }).progress;
  };

  it('a learner who passes an optimize challenge sees the milestone and the points, live over progressUpdated', async () => {
    const before = await progressOf(ada);
    expect(before).toMatchObject({ points: 0, milestones: [], aiFreeStreak: { current: 0, longest: 0 }, best: [] });
    expect(before.habits.map((habit) => habit.kind)).toEqual(['OPTIMIZE_MODEL', 'PORT_TO_JAX', 'DOCUMENT_RESULTS', 'AI_FREE_SESSION']);

    const updates: ProgressView[] = [];
    const client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: ada.auth.authorization },
    });
    const unsubscribe = client.subscribe<{ progressUpdated: ProgressView }>(
      { query: `subscription { progressUpdated { ${PROGRESS_FIELDS} } }` },
      { next: (value) => value.data && updates.push(value.data.progressUpdated), error: () => undefined, complete: () => undefined },
    );
    try {
      await until(() => (updates.length > 0 ? true : undefined), 10_000); // the current progress first
      const attemptId = await startAttempt(app, ada, 'pruned-mlp-speedup');
      const id = await submitModel(app, ada, attemptId, await uploadBytes(app, ada, catalogModel('pruned-mlp-speedup', 'known-solution')));
      const scored = await waitForEnd(app, ada, id, 180_000);
      expect(scored.result!.verdict).toBe('PASSED');

      const live = await until(() => updates.find((update) => update.milestones.includes('FIRST_10_PERCENT_FASTER')), 10_000);
      const now = await progressOf(ada);
      for (const progress of [live, now]) {
        expect(progress.points).toBe(Math.round(scored.result!.points * 100) / 100);
        expect(progress.milestoneDetails).toEqual([{ code: 'FIRST_10_PERCENT_FASTER', reachedAt: expect.any(String), submissionId: id }]);
        expect(progress.habits[0]).toEqual({ kind: 'OPTIMIZE_MODEL', attempted: 1, passed: 1, approved: 0, points: progress.points });
        expect(progress.best).toEqual([
          { challengeSlug: 'pruned-mlp-speedup', points: progress.points, speedup: expect.any(Number), submissionId: id },
        ]);
      }
      // A journal entry starts the daily streak: that change is sent too.
      const entry = await app.graphql(
        'mutation { addJournalEntry(input: { tried: "Fused two layers.", learned: "Measure first.", minutes: 30 }) { id } }',
        {},
        ada.auth,
      );
      expect(entry.body.errors).toBeUndefined();
      const streak = await until(() => updates.find((update) => update.journalStreak.current === 1), 10_000);
      expect(streak.journalStreak).toEqual({ current: 1, longest: 1 });
      expect(streak.milestones).toEqual(['FIRST_10_PERCENT_FASTER']);
    } finally {
      unsubscribe();
      await client.dispose();
    }
  }, 240_000);

  /** A session of `slug` started at `start`, the solution typed in one event, submitted at `submitAt`; scored. */
  async function session(account: Account, slug: string, start: string, submitAt: string): Promise<void> {
    clock.at = new Date(start);
    const started = await app.graphql(
      'mutation($s: String!) { startSession(challengeSlug: $s) { id startedAt } }',
      { s: slug },
      account.auth,
    );
    const sessionId = (started.body.data!.startSession as { id: string }).id;
    const code = aiSolution(slug);
    clock.at = new Date(Date.parse(start) + 60_000);
    const recorded = await app.graphql(
      'mutation($input: EditBatchInput!) { recordEdits(input: $input) { seq } }',
      { input: { sessionId, seq: 0, events: [{ kind: 'INSERT', at: 60_000, position: 0, text: code }] } },
      account.auth,
    );
    expect(recorded.body.errors).toBeUndefined();
    clock.at = new Date(submitAt);
    const submitted = await app.graphql(
      'mutation($input: SubmitCodeInput!) { submitCode(input: $input) { id } }',
      { input: { sessionId, code, language: 'javascript' } },
      account.auth,
    );
    const id = (submitted.body.data!.submitCode as { id: string }).id;
    const scored = await waitForEnd(app, account, id, 120_000);
    expect(scored.status).toBe('SCORED');
  }

  it('counts the weekly AI-free streak in ISO weeks (UTC): a full-length session ending Sunday 23:59 and one on Monday 00:00 make two weeks', async () => {
    const bo = await register(app, 'progress-bo');
    // stable-softmax and top-k-with-ties take 45 minutes. Week 2026-W48 ends Sunday 23:59:59.999 UTC.
    await session(bo, 'stable-softmax', '2026-11-29T23:14:00.000Z', '2026-11-29T23:59:00.000Z');
    clock.at = new Date('2026-11-29T23:59:59.999Z');
    expect((await progressOf(bo)).aiFreeStreak).toEqual({ current: 1, longest: 1 });
    await session(bo, 'top-k-with-ties', '2026-11-30T00:00:00.000Z', '2026-11-30T00:44:30.000Z');
    clock.at = new Date('2026-11-30T00:50:00.000Z');
    const monday = await progressOf(bo);
    expect(monday.aiFreeStreak).toEqual({ current: 2, longest: 2 });
    expect(monday.milestones).toContain('FIRST_AI_FREE_PASS');
    // A session submitted after 10 of its 60 minutes does not count: week 2026-W50 stays empty.
    await session(bo, 'k-means-step', '2026-12-07T10:00:00.000Z', '2026-12-07T10:10:00.000Z');
    clock.at = new Date('2026-12-13T23:59:59.000Z'); // the end of W50: W49's run is still current until W50 ends
    expect((await progressOf(bo)).aiFreeStreak).toEqual({ current: 2, longest: 2 });
    clock.at = new Date('2026-12-14T00:00:00.000Z'); // Monday of W51: W50 passed without a session
    expect((await progressOf(bo)).aiFreeStreak).toEqual({ current: 0, longest: 2 });
  }, 360_000);

  it("shows a learner's progress to admins and to the mentors who reviewed their work, to no one else", async () => {
    const [mentor, admin, other] = await Promise.all(['progress-mentor', 'progress-admin', 'progress-other'].map((h) => register(app, h)));
    await makeRole(app, mentor!, 'MENTOR');
    await makeRole(app, admin!, 'ADMIN');
    const ask = (account: Account | null, handle = 'progress-ada') =>
      app.graphql('query($h: String!) { learnerProgress(handle: $h) { points milestones } }', { h: handle }, account?.auth ?? {});
    const byAdmin = await ask(admin!);
    expect(byAdmin.body.data!.learnerProgress).toMatchObject({ milestones: ['FIRST_10_PERCENT_FASTER'] });
    expect(errorCode(await ask(mentor!))).toBe('FORBIDDEN'); // has not reviewed ada's work
    expect(errorCode(await ask(other!))).toBe('FORBIDDEN');
    expect(errorCode(await ask(null))).toBe('UNAUTHENTICATED');
    expect(errorCode(await ask(admin!, 'nobody-here'))).toBe('NOT_FOUND');
    expect(errorCode(await ask(mentor!, 'nobody-here'))).toBe('FORBIDDEN'); // a mentor learns nothing about who exists
    // Another user's `progress` field is null wherever a User appears (here: a team's members), never their data.
    const team = await app.graphql(
      'mutation { createTeam(input: { name: "Progress", slug: "progress-team" }) { inviteCode } }',
      {},
      ada.auth,
    );
    const code = (team.body.data!.createTeam as { inviteCode: string }).inviteCode;
    expect(
      (await app.graphql('mutation($c: String!) { joinTeam(inviteCode: $c) { slug } }', { c: code }, other!.auth)).body.errors,
    ).toBeUndefined();
    const members = await app.graphql('{ team(slug: "progress-team") { members { handle progress { points } } } }', {}, other!.auth);
    expect((members.body.data!.team as { members: unknown[] }).members).toEqual([
      { handle: 'progress-ada', progress: null },
      { handle: 'progress-other', progress: { points: 0 } },
    ]);
  });
});

async function until<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
