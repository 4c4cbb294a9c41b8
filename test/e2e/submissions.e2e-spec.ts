import { randomBytes } from 'node:crypto';
import { withClient } from '@app/testing';
import { errorCode, errorReason, register, type Account } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('submitting models over HTTP', () => {
  let app: TestApp;
  let ada: Account;
  let eve: Account;

  beforeAll(async () => {
    app = await startTestApp();
    [ada, eve] = (await Promise.all(['sub-ada', 'sub-eve'].map((h) => register(app, h)))) as [Account, Account];
  });

  afterAll(async () => {
    await app.stop();
  });

  const upload = async (account: Account) => {
    const response = await fetch(`${app.url}/artifacts`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', ...account.auth },
      body: randomBytes(512),
    });
    return ((await response.json()) as { sha256: string }).sha256;
  };
  const attempt = async (account: Account, slug: string) =>
    (
      (await app.graphql(`mutation { startAttempt(challengeSlug: "${slug}") { id } }`, {}, account.auth)).body.data!.startAttempt as {
        id: string;
      }
    ).id;
  const submit = (account: Account, attemptId: string, modelSha256: string) =>
    app.graphql(
      'mutation($i: SubmitModelInput!) { submitModel(input: $i) { id status challenge { slug } } }',
      { i: { attemptId, modelSha256 } },
      account.auth,
    );
  const jobsFor = (ids: string[]) =>
    withClient(
      app.database.url,
      async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'submissionId' = ANY($1)`, [ids])).rows[0].n as number,
    );

  it('admits exactly the daily quota (10) of 20 concurrent submissions, each with its scoring job, and says when the quota resets', async () => {
    const attemptId = await attempt(ada, 'pruned-mlp-speedup');
    const model = await upload(ada);
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit(ada, attemptId, model)));
    const admitted = answers.filter((a) => a.body.data?.submitModel);
    const refused = answers.filter((a) => !a.body.data?.submitModel);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(10);
    for (const answer of refused) {
      expect([errorCode(answer), errorReason(answer)]).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED']);
      expect(answer.body.errors![0]!.extensions).toMatchObject({
        used: 10,
        limit: 10,
        resetsAt: expect.stringMatching(/T00:00:00\.000Z$/),
      });
    }
    const ids = admitted.map((a) => (a.body.data!.submitModel as { id: string }).id);
    expect(admitted.every((a) => (a.body.data!.submitModel as { status: string }).status === 'QUEUED')).toBe(true);
    expect(await jobsFor(ids)).toBe(10);
    const quota = await app.graphql(`{ attempt(id: "${attemptId}") { quota { used limit } } }`, {}, ada.auth);
    expect(quota.body.data).toEqual({ attempt: { quota: { used: 10, limit: 10 } } });
    const mine = await app.graphql(
      '{ mySubmissions(challengeSlug: "pruned-mlp-speedup", first: 100) { edges { node { id } } } }',
      {},
      ada.auth,
    );
    expect((mine.body.data!.mySubmissions as { edges: unknown[] }).edges).toHaveLength(10);
  });

  it('answers NOT_FOUND, not a database error, for ids that are not UUIDs', async () => {
    for (const id of ['-'.repeat(36), 'not-an-id', '0f8fad5b-d9cb-469f-a165-70867728950e']) {
      const answer = await app.graphql('query($id: ID!) { submission(id: $id) { id } }', { id }, ada.auth);
      expect(errorCode(answer)).toBe('NOT_FOUND');
    }
  });

  it('refuses a model its submitter did not upload (even if someone else did), and stores nothing', async () => {
    const theirs = await upload(eve);
    const attemptId = await attempt(ada, 'tabular-mlp-speedup');
    const answer = await submit(ada, attemptId, theirs);
    expect([errorCode(answer), errorReason(answer)]).toEqual(['NOT_FOUND', 'ARTIFACT_NOT_UPLOADED']);
    const nothing = await withClient(
      app.database.url,
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM "Submission" WHERE "attemptId" = $1`, [attemptId])).rows[0].n,
    );
    expect(nothing).toBe(0);
  });

  it('refuses a model for a challenge that takes none, and someone else’s attempt', async () => {
    const model = await upload(ada);
    const reportAttempt = await attempt(ada, 'document-an-optimization');
    const wrongKind = await submit(ada, reportAttempt, model);
    expect([errorCode(wrongKind), errorReason(wrongKind)]).toEqual(['BAD_USER_INPUT', 'WRONG_SUBMISSION_KIND']);
    const adaAttempt = await attempt(ada, 'unfold-cnn-speedup');
    const evesModel = await upload(eve);
    expect(errorCode(await submit(eve, adaAttempt, evesModel))).toBe('FORBIDDEN');
    const port = await attempt(ada, 'port-small-cnn-to-jax');
    expect(errorReason(await submit(ada, port, model))).toBe('WRONG_SUBMISSION_KIND'); // needs the source archive too
  });
});
