import { randomBytes } from 'node:crypto';
import { withClient } from '@app/testing';
import { errorCode, errorReason, register, type Account } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

// 20 concurrent submissions against the daily quota, and team hopping to multiply it, are in
// test/attack/quotas.attack-spec.ts.
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
