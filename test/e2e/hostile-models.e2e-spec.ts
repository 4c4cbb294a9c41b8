import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register, type Account } from '../support/accounts';
import { catalogModel, notOkFixture, notOkManifest, startAttempt, submitModel, uploadBytes, watchSubmission } from '../support/scoring';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Every model of test/fixtures/not-ok (scripts/build-hostile-models.ts), uploaded and submitted
 * like a learner would: each ends with its specific code, or its defined sandbox outcome within
 * the task's time limit + 2 s, and none makes anything read a file outside the sandbox.
 */
const TASK_TIMEOUT_MS = 10_000;
const OUR_MARKER = `proving-ground-marker-${process.pid}-${Date.now()}`;

describe('hostile models', () => {
  let app: TestApp;
  const learners: Account[] = [];
  const attempts = new Map<string, string>();
  const fixtures = Object.entries(notOkManifest());
  // The file external data named "../secret" would reach from the sandbox host's working directory.
  const planted = join(tmpdir(), 'secret');

  let plantedByUs = false;
  /** What the planted file begins with: ours, or (never clobbered) the content someone else keeps there. */
  let marker = OUR_MARKER;

  beforeAll(async () => {
    // Never clobber a file someone else keeps there; then the marker is theirs and this run skips planting.
    try {
      writeFileSync(planted, OUR_MARKER.repeat(4096), { flag: 'wx' });
      plantedByUs = true;
    } catch {
      plantedByUs = false;
      marker = readFileSync(planted, 'utf8').slice(0, 64);
    }
    // A marker too short to be distinctive would make the checks below say nothing.
    expect(marker.length).toBeGreaterThanOrEqual(16);
    app = await startTestApp({ SCORER: 'embedded', SANDBOX_TASK_TIMEOUT_MS: String(TASK_TIMEOUT_MS) });
    // Ten submissions a day per learner and challenge.
    for (let i = 0; i < Math.ceil(fixtures.length / 10); i++) learners.push(await register(app, `hostile-${i}`));
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    if (plantedByUs) rmSync(planted, { force: true });
  });

  it.each(fixtures.map(([name, fixture], index) => ({ name, fixture, index })))(
    '$name ends as expected ($fixture.description)',
    async ({ name, fixture, index }) => {
      const learner = learners[Math.floor(index / 10)]!;
      const key = `${learner.id}:${fixture.challenge}`;
      if (!attempts.has(key)) attempts.set(key, await startAttempt(app, learner, fixture.challenge));
      const id = await submitModel(app, learner, attempts.get(key)!, await uploadBytes(app, learner, notOkFixture(name)));
      const watch = watchSubmission(app.url, learner.auth.authorization, id);
      const updates = await watch.done.finally(() => watch.close());
      const final = updates.at(-1)!;
      const expected = fixture.check ?? fixture.sandbox ?? fixture.parity;
      expect(final).toMatchObject({ status: 'REJECTED', rejection: { code: expected } });
      expect(final.rejection!.message.length).toBeGreaterThan(10);
      if (fixture.check) {
        // Refused by the static checks: ONNX Runtime never saw it.
        expect(updates.map((update) => update.phase)).not.toContain('parity');
      }
      if (fixture.sandbox) {
        const started = watch.times[updates.findIndex((update) => update.phase === 'parity')]!;
        expect(watch.times.at(-1)! - started).toBeLessThan(TASK_TIMEOUT_MS + 2_000);
      }
      // Nothing read from the planted file reaches the learner (the marker is in no answer).
      const { body } = await app.graphql(
        `{ submission(id: "${id}") { rejection { message } result { parity { outputs { reason } } } } }`,
        {},
        learner.auth,
      );
      expect(JSON.stringify(body)).not.toContain(marker);
      expect(JSON.stringify(updates)).not.toContain(marker);
    },
    120_000,
  );

  it('scores a normal model after all of them', async () => {
    const learner = await register(app, 'hostile-after');
    const attemptId = await startAttempt(app, learner, 'pruned-mlp-speedup');
    const id = await submitModel(
      app,
      learner,
      attemptId,
      await uploadBytes(app, learner, catalogModel('pruned-mlp-speedup', 'known-solution')),
    );
    const watch = watchSubmission(app.url, learner.auth.authorization, id);
    const updates = await watch.done.finally(() => watch.close());
    expect(updates.at(-1)).toMatchObject({ status: 'SCORED', result: { verdict: 'PASSED' } });
  }, 120_000);
});
