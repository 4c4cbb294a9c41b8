import { randomBytes } from 'node:crypto';
import { withClient } from '@app/testing';
import { errorCode, errorReason, makeRole, register, type Account } from '../support/accounts';
import { rowCounts } from '../support/graphql-http';
import { seedResult } from '../support/leaderboard-seed';
import { startAttempt, uploadBytes } from '../support/scoring';
import { startTestApp, type GraphqlResponse, type TestApp } from '../support/test-app';

// Getting more than one's share: racing the daily quota, hopping teams to reset it, edging past a
// tie on a leaderboard, and handing work in after an AI-free session's deadline. No scorer runs:
// admitted submissions stay QUEUED (the quota counts them), and the tie is built from results
// written as a scorer writes them.

const MODEL_CHALLENGE = 'pruned-mlp-speedup';
const DAILY_QUOTA = 10;

describe('quota and board attacks', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  const sql = (text: string, values: unknown[] = []) => withClient(app.database.url, (client) => client.query(text, values));
  const submit = (account: Account | { auth: Record<string, string> }, attemptId: string, modelSha256: string) =>
    app.graphql(
      'mutation($i: SubmitModelInput!) { submitModel(input: $i) { id status } }',
      { i: { attemptId, modelSha256 } },
      account.auth,
    );
  const quotaOf = async (account: Account, attemptId: string) =>
    (await app.graphql('query($id: ID!) { attempt(id: $id) { quota { used limit } } }', { id: attemptId }, account.auth)).body.data;
  const jobsFor = async (ids: string[]) =>
    (await sql(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'submissionId' = ANY($1)`, [ids])).rows[0].n as number;
  const expectQuotaExceeded = (answer: GraphqlResponse) => {
    expect([errorCode(answer), errorReason(answer), answer.body.data]).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED', null]);
    expect(answer.body.errors![0]!.extensions).toMatchObject({
      used: DAILY_QUOTA,
      limit: DAILY_QUOTA,
      resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
    });
  };

  it('20 concurrent submissions against a daily quota of 10: exactly 10 admitted (each with its job), 10 QUOTA_EXCEEDED, the count exact', async () => {
    const ada = await register(app, 'racer-ada');
    const attemptId = await startAttempt(app, ada, MODEL_CHALLENGE);
    const model = await uploadBytes(app, ada, randomBytes(512));
    const before = await rowCounts(app, 'Submission');
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit(ada, attemptId, model)));
    const admitted = answers.filter((a) => a.body.data?.submitModel);
    const refused = answers.filter((a) => !a.body.data?.submitModel);
    expect([admitted.length, refused.length]).toEqual([DAILY_QUOTA, 10]);
    refused.forEach(expectQuotaExceeded);
    const ids = admitted.map((a) => (a.body.data!.submitModel as { id: string }).id);
    expect(admitted.every((a) => (a.body.data!.submitModel as { status: string }).status === 'QUEUED')).toBe(true);
    expect(await jobsFor(ids)).toBe(DAILY_QUOTA);
    expect(await rowCounts(app, 'Submission')).toEqual({ Submission: before.Submission + DAILY_QUOTA });
    expect(await quotaOf(ada, attemptId)).toEqual({ attempt: { quota: { used: DAILY_QUOTA, limit: DAILY_QUOTA } } });
    const mine = await app.graphql(
      'query($s: String!) { mySubmissions(challengeSlug: $s, first: 100) { edges { node { id } } } }',
      { s: MODEL_CHALLENGE },
      ada.auth,
    );
    expect((mine.body.data!.mySubmissions as { edges: unknown[] }).edges).toHaveLength(DAILY_QUOTA);
  });

  it('rescoring as a way round the quota: with 1 left, 5 concurrent rescores admit exactly 1, the rest QUOTA_EXCEEDED', async () => {
    const bea = await register(app, 'rescorer-bea');
    const attemptId = await startAttempt(app, bea, MODEL_CHALLENGE);
    const model = await uploadBytes(app, bea, randomBytes(512));
    const first = await Promise.all(Array.from({ length: DAILY_QUOTA - 1 }, () => submit(bea, attemptId, model)));
    const originalId = (first[0]!.body.data!.submitModel as { id: string }).id;
    const before = await rowCounts(app, 'Submission');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        app.graphql('mutation($id: ID!) { rescore(submissionId: $id) { id rescoreOfId } }', { id: originalId }, bea.auth),
      ),
    );
    const admitted = answers.filter((a) => a.body.data?.rescore);
    expect(admitted.map((a) => (a.body.data!.rescore as { rescoreOfId: string }).rescoreOfId)).toEqual([originalId]);
    answers.filter((a) => !a.body.data?.rescore).forEach(expectQuotaExceeded);
    expect(await rowCounts(app, 'Submission')).toEqual({ Submission: before.Submission + 1 });
    expect(await quotaOf(bea, attemptId)).toEqual({ attempt: { quota: { used: DAILY_QUOTA, limit: DAILY_QUOTA } } });
  });

  it('team hopping does not multiply the quota: it is per learner, whatever team, new attempt call or API token', async () => {
    const [hopper, host] = await Promise.all([register(app, 'hopper'), register(app, 'hop-host')]);
    const created = await app.graphql('mutation { createTeam(input: { name: "Hop A", slug: "hop-a" }) { slug } }', {}, hopper.auth);
    expect(created.body.errors).toBeUndefined();
    const attemptId = await startAttempt(app, hopper, MODEL_CHALLENGE);
    const model = await uploadBytes(app, hopper, randomBytes(512));
    const used = await Promise.all(Array.from({ length: DAILY_QUOTA }, () => submit(hopper, attemptId, model)));
    expect(used.every((answer) => answer.body.errors === undefined)).toBe(true);
    const before = await rowCounts(app, 'Submission');

    // Leave for another team, then a team of one's own: the same attempt and a fresh startAttempt alike.
    const other = await app.graphql('mutation { createTeam(input: { name: "Hop B", slug: "hop-b" }) { inviteCode } }', {}, host.auth);
    const inviteCode = (other.body.data!.createTeam as { inviteCode: string }).inviteCode;
    const hops = [
      'mutation { leaveTeam(teamSlug: "hop-a") }',
      `mutation { joinTeam(inviteCode: "${inviteCode}") { slug } }`,
      null,
      'mutation { leaveTeam(teamSlug: "hop-b") }',
      'mutation { createTeam(input: { name: "Hop C", slug: "hop-c" }) { slug } }',
      null,
    ];
    for (const hop of hops) {
      if (hop) {
        const moved = await app.graphql(hop, {}, hopper.auth);
        expect(moved.body.errors).toBeUndefined();
        continue;
      }
      const again = await startAttempt(app, hopper, MODEL_CHALLENGE);
      expect(again).toBe(attemptId); // one attempt per learner and version, whichever team
      expectQuotaExceeded(await submit(hopper, again, model));
    }
    const token = await app.graphql('mutation { createApiToken(name: "hop") { token } }', {}, hopper.auth);
    const viaToken = { auth: { authorization: `Bearer ${(token.body.data!.createApiToken as { token: string }).token}` } };
    expectQuotaExceeded(await submit(viaToken, attemptId, model));
    expect(await rowCounts(app, 'Submission')).toEqual(before);
    expect(await quotaOf(hopper, attemptId)).toEqual({ attempt: { quota: { used: DAILY_QUOTA, limit: DAILY_QUOTA } } });
  });

  it('a tie cannot be broken by reaching the same points again later (or +0.004): the earlier achievement stays first', async () => {
    const [early, late, admin] = await Promise.all([register(app, 'tie-early'), register(app, 'tie-late'), register(app, 'tie-admin')]);
    await makeRole(app, admin, 'ADMIN');
    const challengeId = (await sql(`SELECT id FROM "Challenge" WHERE slug = $1`, ['unfold-cnn-speedup'])).rows[0].id as string;
    const at = (hour: number) => new Date(Date.UTC(2026, 10, 2, hour));
    await seedResult(app.database.url, early.id, challengeId, { points: 250, at: at(9), speedup: 5 });
    await seedResult(app.database.url, late.id, challengeId, { points: 250, at: at(10), speedup: 5 });
    // The later learner hands in the same points again and again, and a hair more.
    await seedResult(app.database.url, late.id, challengeId, { points: 250, at: at(11), speedup: 6 });
    await seedResult(app.database.url, late.id, challengeId, { points: 250.004, at: at(12), speedup: 6 });
    const recomputed = await app.graphql('mutation { recomputeLeaderboards { corrected } }', {}, admin.auth);
    expect(recomputed.body.errors).toBeUndefined();

    const board = await app.graphql(
      '{ leaderboard(scope: CHALLENGE, challengeSlug: "unfold-cnn-speedup", first: 10) { edges { node { rank handle points achievedAt isBaseline } } } }',
    );
    const rows = (board.body.data!.leaderboard as { edges: Array<{ node: Record<string, unknown> }> }).edges
      .map((edge) => edge.node)
      .filter((row) => !row.isBaseline);
    expect(rows).toEqual([
      { rank: 1, handle: 'tie-early', points: 250, achievedAt: at(9).toISOString(), isBaseline: false },
      { rank: 1, handle: 'tie-late', points: 250, achievedAt: at(10).toISOString(), isBaseline: false },
    ]);
  });

  it('after an AI-free session’s deadline, a burst of submitCode and recordEdits (session and API token) is SESSION_EXPIRED and stores nothing', async () => {
    const learner = await register(app, 'late-learner');
    const started = await app.graphql('mutation { startSession(challengeSlug: "stable-softmax") { id } }', {}, learner.auth);
    const sessionId = (started.body.data!.startSession as { id: string }).id;
    const early = await app.graphql(
      'mutation($i: EditBatchInput!) { recordEdits(input: $i) { seq } }',
      { i: { sessionId, seq: 0, events: [{ kind: 'INSERT', at: 10, position: 0, text: 'function softmax' }] } },
      learner.auth,
    );
    expect(early.body.errors).toBeUndefined();
    // The deadline passed an hour ago (and its 5 s grace with it).
    await sql(`UPDATE "CodingSession" SET deadline = now() - interval '1 hour' WHERE id = $1`, [sessionId]);
    const token = await app.graphql('mutation { createApiToken(name: "late") { token } }', {}, learner.auth);
    const viaToken = { authorization: `Bearer ${(token.body.data!.createApiToken as { token: string }).token}` };
    const before = await rowCounts(app, 'Submission', 'EditBatch', 'Result');

    const code = 'export function softmax(xs) { const m = Math.max(...xs); return xs.map((x) => Math.exp(x - m)); }';
    const answers = await Promise.all([
      ...[learner.auth, viaToken, learner.auth].map((auth) =>
        app.graphql(
          'mutation($i: SubmitCodeInput!) { submitCode(input: $i) { id } }',
          { i: { sessionId, code, language: 'javascript' } },
          auth,
        ),
      ),
      ...[1, 2, 3].map((seq) =>
        app.graphql(
          'mutation($i: EditBatchInput!) { recordEdits(input: $i) { seq } }',
          // Client times inside the session: only the server clock decides.
          { i: { sessionId, seq, events: [{ kind: 'INSERT', at: 20 + seq, position: 0, text: 'x' }] } },
          seq === 2 ? viaToken : learner.auth,
        ),
      ),
    ]);
    for (const answer of answers)
      expect([errorCode(answer), errorReason(answer), answer.body.data]).toEqual(['CONFLICT', 'SESSION_EXPIRED', null]);
    expect(await rowCounts(app, 'Submission', 'EditBatch', 'Result')).toEqual(before);
    const session = await app.graphql('query($id: ID!) { session(id: $id) { timeLeftMs } }', { id: sessionId }, learner.auth);
    expect(session.body.data).toEqual({ session: { timeLeftMs: 0 } });
  });
});
