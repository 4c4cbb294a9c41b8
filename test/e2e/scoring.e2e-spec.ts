import { randomBytes } from 'node:crypto';
import { withClient } from '@app/testing';
import { errorCode, register, type Account } from '../support/accounts';
import {
  catalogModel,
  hostileModels,
  notOkFixture,
  startAttempt,
  submitModel,
  uploadBytes,
  waitForEnd,
  watchSubmission,
  type SubmissionView,
} from '../support/scoring';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Single-process mode (the API runs the scorer, its sandbox host a child process): submissions
 * scored for real, followed over graphql-ws as a client would.
 */
// Long enough for the known solution's full scoring on a busy machine, short enough to wait for twice.
const TASK_TIMEOUT_MS = 15_000;
const SLUG = 'pruned-mlp-speedup';

describe('scoring in single-process mode', () => {
  let app: TestApp;
  let ada: Account;
  let eve: Account;
  let attemptId: string;

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded', SANDBOX_TASK_TIMEOUT_MS: String(TASK_TIMEOUT_MS) });
    [ada, eve] = (await Promise.all(['score-ada', 'score-eve'].map((h) => register(app, h)))) as [Account, Account];
    attemptId = await startAttempt(app, ada, SLUG);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  const submitAndWatch = async (bytes: Uint8Array): Promise<{ id: string; updates: SubmissionView[]; times: number[] }> => {
    const id = await submitModel(app, ada, attemptId, await uploadBytes(app, ada, bytes));
    const watch = watchSubmission(app.url, ada.auth.authorization, id);
    try {
      const updates = await watch.done;
      return { id, updates, times: watch.times };
    } finally {
      await watch.close();
    }
  };

  it('streams QUEUED/RUNNING with phase and progress, then SCORED with the parity report, for the known solution', async () => {
    const { id, updates } = await submitAndWatch(catalogModel(SLUG, 'known-solution'));
    const statuses = updates.map((update) => update.status);
    expect(['QUEUED', 'RUNNING']).toContain(statuses[0]);
    expect(statuses.at(-1)).toBe('SCORED');
    // Statuses only move forward, and RUNNING reported the parity phase with its progress.
    const order = ['QUEUED', 'RUNNING', 'SCORED'];
    expect(statuses.map((status) => order.indexOf(status))).toEqual([...statuses.map((status) => order.indexOf(status))].sort());
    for (const [phase, progress] of [
      ['checking', 0.1],
      ['parity', 0.2],
      ['timing', 0.4],
      ['memory', 0.85],
    ] as const) {
      expect(updates).toContainEqual(expect.objectContaining({ status: 'RUNNING', phase, progress }));
    }
    const final = updates.at(-1)!;
    expect(final.result).toMatchObject({
      verdict: 'PASSED',
      points: expect.any(Number),
      flags: [],
      parity: { passed: true, batches: 16, outputs: [expect.objectContaining({ name: 'scores', passed: true, nonFinite: 0 })] },
      environment: { deviceClass: 'cpu', executionProvider: 'cpu', ortVersion: '1.30.0' },
    });
    expect(final.rejection).toBeNull();
    const rows = await withClient(
      app.database.url,
      async (c) => (await c.query('SELECT count(*)::int AS n FROM "Result" WHERE "submissionId" = $1', [id])).rows[0].n,
    );
    expect(rows).toBe(1);
  }, 120_000);

  it('rejects a model that computes something else with PARITY_FAILED, naming the worst element', async () => {
    const { updates } = await submitAndWatch(hostileModels.wrongFunction());
    const final = updates.at(-1)!;
    expect(final.status).toBe('REJECTED');
    expect(final.rejection!.code).toBe('PARITY_FAILED');
    expect(final.rejection!.message).toMatch(/scores.*worst/);
    expect(final.result).toMatchObject({ verdict: 'FAILED', points: 0, parity: { passed: false } });
  }, 120_000);

  it('rejects bytes that are not an ONNX model with MODEL_UNPARSEABLE before ONNX Runtime sees them', async () => {
    const { updates } = await submitAndWatch(randomBytes(4096));
    expect(updates.at(-1)).toMatchObject({ status: 'REJECTED', rejection: { code: 'MODEL_UNPARSEABLE' } });
    expect(updates.map((update) => update.phase)).not.toContain('parity');
  }, 120_000);

  it('ends a model that runs for minutes with SANDBOX_TIMEOUT within the time limit + 2 s, then scores the next one normally', async () => {
    const { updates, times } = await submitAndWatch(notOkFixture('slow-matmul-chain'));
    const final = updates.at(-1)!;
    expect(final).toMatchObject({ status: 'REJECTED', rejection: { code: 'SANDBOX_TIMEOUT' } });
    const parityStarted = times[updates.findIndex((update) => update.phase === 'parity')]!;
    expect(times.at(-1)! - parityStarted).toBeLessThan(TASK_TIMEOUT_MS + 2_000);
    const next = await submitAndWatch(catalogModel(SLUG, 'known-solution'));
    expect(next.updates.at(-1)).toMatchObject({ status: 'SCORED', result: { parity: { passed: true } } });
  }, 120_000);

  it('ends a model that asks for terabytes at run time with SANDBOX_LIMIT, then scores the next one normally', async () => {
    const { updates, times } = await submitAndWatch(notOkFixture('runtime-allocation-bomb'));
    const final = updates.at(-1)!;
    expect(final).toMatchObject({ status: 'REJECTED', rejection: { code: 'SANDBOX_LIMIT' } });
    const parityStarted = times[updates.findIndex((update) => update.phase === 'parity')]!;
    expect(times.at(-1)! - parityStarted).toBeLessThan(TASK_TIMEOUT_MS + 2_000);
    const next = await submitAndWatch(catalogModel(SLUG, 'known-solution'));
    expect(next.updates.at(-1)).toMatchObject({ status: 'SCORED' });
  }, 120_000);

  it('rescores as a new submission: the owner uses quota, an admin does not', async () => {
    const original = await submitModel(app, ada, attemptId, await uploadBytes(app, ada, catalogModel(SLUG, 'known-solution')));
    await waitForEnd(app, ada, original, 60_000);
    const rescored = await app.graphql(
      'mutation($id: ID!) { rescore(submissionId: $id) { id status rescoreOfId countsTowardQuota } }',
      { id: original },
      ada.auth,
    );
    expect(rescored.body.data!.rescore).toMatchObject({ rescoreOfId: original, countsTowardQuota: true });
    const again = await waitForEnd(app, ada, (rescored.body.data!.rescore as { id: string }).id, 60_000);
    expect(again.status).toBe('SCORED');
    const denied = await app.graphql('mutation($id: ID!) { rescore(submissionId: $id) { id } }', { id: original }, eve.auth);
    expect(errorCode(denied)).toBe('FORBIDDEN');
  }, 120_000);

  it('refuses to stream a submission to someone else, or to nobody, with the specific error', async () => {
    const id = await submitModel(app, ada, attemptId, await uploadBytes(app, ada, catalogModel(SLUG, 'known-solution')));
    const stranger = watchSubmission(app.url, eve.auth.authorization, id);
    await expect(stranger.done).rejects.toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })],
    });
    await stranger.close();
    const anonymous = watchSubmission(app.url, undefined, id);
    await expect(anonymous.done).rejects.toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })],
    });
    await anonymous.close();
    await waitForEnd(app, ada, id, 60_000);
  }, 120_000);
});
