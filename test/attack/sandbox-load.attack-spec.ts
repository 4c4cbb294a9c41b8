import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCodeCorpus, withClient } from '@app/testing';
import { register, type Account } from '../support/accounts';
import {
  catalogModel,
  corpusSubmission,
  notOkFixture,
  notOkManifest,
  sessionSolution,
  sessionSpec,
  startAttempt,
  startSession,
  submitCode,
  submitModel,
  uploadBytes,
  type NotOkFixture,
  type SubmissionView,
} from '../support/scoring';
import { sandboxHostProcesses } from '../support/server-process';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The two hostile corpora at once: every model of test/fixtures/not-ok (scripts/build-hostile-models.ts)
 * and every module of the code escape corpus (test/fixtures/not-ok/code), submitted together through
 * the API with known-good submissions in between, to one embedded scorer that works three jobs at a
 * time on its sandbox host. Each ends with its defined outcome, the good ones pass, and the host is
 * healthy afterwards. (One by one, the same corpora run in test/e2e/hostile-models.e2e-spec.ts and
 * test/e2e/ai-free-scoring.e2e-spec.ts.)
 */
const TASK_TIMEOUT_MS = 10_000;
const CODE_SLUG = 'top-k-with-ties';
const MODEL_SLUG = 'pruned-mlp-speedup';
const PER_LEARNER = 10; // the daily quota per learner and challenge
const DEFINED_TEST_FAILURES = ['WRONG_ANSWER', 'TIME_LIMIT', 'MEMORY_LIMIT', 'RUNTIME_ERROR', 'OUTPUT_LIMIT', 'SKIPPED'];
const CODE_FIELDS =
  'id status rejection { code message } result { verdict points tests { total cases { outcome ms } } comparison { ai { testsPassed testsTotal runs } } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a submission ended as: the fields read here, with the code result's tests and comparison. */
type Ended = Omit<SubmissionView, 'result'> & {
  result:
    | (NonNullable<SubmissionView['result']> & {
        tests?: { total: number; cases: { outcome: string; ms: number }[] } | null;
        comparison?: { ai: { testsPassed: number; testsTotal: number; runs: number } } | null;
      })
    | null;
};

type Submitted =
  | { kind: 'model'; name: string; fixture: NotOkFixture; id: string; owner: Account }
  | { kind: 'code'; name: string; id: string; owner: Account }
  | { kind: 'good-model' | 'good-code'; name: string; id: string; owner: Account };

describe('the hostile model corpus and the code escape corpus under concurrent load', () => {
  let app: TestApp;
  const submitted: Submitted[] = [];
  const ended = new Map<string, Ended>();
  const models = Object.entries(notOkManifest());
  const code = Object.entries(loadCodeCorpus().entries);
  const { limits } = sessionSpec(CODE_SLUG);

  /** A new learner (and attempt or session) every ten submissions of a kind: the daily quota. */
  function seats(prefix: string, open: (account: Account) => Promise<string>) {
    const made: { account: Account; handle: string }[] = [];
    let used = PER_LEARNER;
    return async (): Promise<{ account: Account; handle: string }> => {
      if (used === PER_LEARNER) {
        const account = await register(app, `${prefix}-${made.length}`);
        made.push({ account, handle: await open(account) });
        used = 0;
      }
      used += 1;
      return made.at(-1)!;
    };
  }

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded', SCORER_CONCURRENCY: '3', SANDBOX_TASK_TIMEOUT_MS: String(TASK_TIMEOUT_MS) });
    const modelSeat = seats('storm-model', (account) => startAttempt(app, account, MODEL_SLUG));
    const codeSeat = seats('storm-code', async (account) => (await startSession(app, account, CODE_SLUG)).id);
    const goodModel = catalogModel(MODEL_SLUG, 'known-solution');
    const goodCode = sessionSolution(CODE_SLUG, 'ai');

    // Seats first (in order), then every submission at once, interleaved: model, code, model, code, …
    // with a known-good model and a known-good solution after every tenth pair.
    const plans: Array<() => Promise<Submitted>> = [];
    for (let i = 0; i < Math.max(models.length, code.length); i++) {
      const model = models[i];
      if (model) {
        const [name, fixture] = model;
        const seat = await modelSeat();
        plans.push(async () => ({
          kind: 'model',
          name,
          fixture,
          owner: seat.account,
          id: await submitModel(app, seat.account, seat.handle, await uploadBytes(app, seat.account, notOkFixture(name))),
        }));
      }
      const entry = code[i];
      if (entry) {
        const [name, { file }] = entry;
        const seat = await codeSeat();
        const { code: source, language } = corpusSubmission(file, sessionSpec(CODE_SLUG).entryPoint);
        plans.push(async () => ({
          kind: 'code',
          name,
          owner: seat.account,
          id: await submitCode(app, seat.account, seat.handle, source, language),
        }));
      }
      if (i % 10 === 9) {
        const [modelSeatNow, codeSeatNow] = [await modelSeat(), await codeSeat()];
        plans.push(async () => ({
          kind: 'good-model',
          name: `known-good model #${i}`,
          owner: modelSeatNow.account,
          id: await submitModel(app, modelSeatNow.account, modelSeatNow.handle, await uploadBytes(app, modelSeatNow.account, goodModel)),
        }));
        plans.push(async () => ({
          kind: 'good-code',
          name: `known-good code #${i}`,
          owner: codeSeatNow.account,
          id: await submitCode(app, codeSeatNow.account, codeSeatNow.handle, goodCode),
        }));
      }
    }
    submitted.push(...(await Promise.all(plans.map((plan) => plan()))));

    const ids = submitted.map((submission) => submission.id);
    for (const deadline = Date.now() + 600_000; Date.now() < deadline; await sleep(1_000)) {
      const [row] = await withClient(
        app.database.url,
        async (c) =>
          (await c.query(`SELECT count(*)::int AS open FROM "Submission" WHERE id = ANY($1) AND status IN ('QUEUED', 'RUNNING')`, [ids]))
            .rows as { open: number }[],
      );
      if (row!.open === 0) break;
    }
    for (const submission of submitted) {
      const fields =
        submission.kind === 'code' || submission.kind === 'good-code'
          ? CODE_FIELDS
          : 'id status rejection { code message } result { verdict points }';
      const { body } = await app.graphql(`{ submission(id: "${submission.id}") { ${fields} } }`, {}, submission.owner.auth);
      ended.set(submission.id, body.data!.submission as Ended);
    }
  }, 660_000);

  afterAll(async () => {
    await app?.stop();
  });

  const of = (kind: Submitted['kind']) => submitted.filter((submission) => submission.kind === kind);

  it('every hostile model ends REJECTED with its own code (static check, sandbox outcome or parity), with a message', () => {
    expect(of('model')).toHaveLength(models.length);
    for (const submission of of('model')) {
      if (submission.kind !== 'model') continue;
      const { fixture } = submission;
      const end = ended.get(submission.id)!;
      expect([submission.name, end.status, end.rejection?.code]).toEqual([
        submission.name,
        'REJECTED',
        fixture.check ?? fixture.sandbox ?? fixture.parity,
      ]);
      expect(end.rejection!.message.length).toBeGreaterThan(10);
    }
  });

  it('every module of the code escape corpus ends with a defined failure in each hidden test, in time, with no points', () => {
    expect(of('code')).toHaveLength(code.length);
    for (const submission of of('code')) {
      const end = ended.get(submission.id)!;
      expect([submission.name, ['SCORED', 'REJECTED'].includes(end.status)]).toEqual([submission.name, true]);
      expect([submission.name, end.result!.verdict, end.result!.points]).toEqual([submission.name, 'FAILED', 0]);
      for (const test of end.result!.tests!.cases) {
        expect([submission.name, DEFINED_TEST_FAILURES.includes(test.outcome)]).toEqual([submission.name, true]);
        expect(test.ms).toBeLessThan(limits.timeMsPerTest + 2_000);
      }
      // The AI-written solution ran next on the same host, five times over, and passed every test.
      const total = end.result!.tests!.total;
      expect(end.result!.comparison!.ai).toEqual({ testsPassed: total, testsTotal: total, runs: 5 });
    }
  });

  it('the known-good models interleaved with them PASS', () => {
    expect(of('good-model').length).toBeGreaterThanOrEqual(2);
    for (const submission of of('good-model'))
      expect(ended.get(submission.id)).toMatchObject({ status: 'SCORED', result: { verdict: 'PASSED' } });
  });

  it('the known-good code interleaved with them PASSES every hidden test', () => {
    expect(of('good-code').length).toBeGreaterThanOrEqual(2);
    for (const submission of of('good-code')) {
      const end = ended.get(submission.id)!;
      expect(end).toMatchObject({ status: 'SCORED', result: { verdict: 'PASSED' } });
      expect(end.result!.tests!.cases.every((test) => test.outcome === 'PASSED')).toBe(true);
    }
  });

  it('the sandbox host recovers: one live host, no folder left by the hosts it replaced, one result per submission, and a normal model still passes', async () => {
    const ids = submitted.map((submission) => submission.id);
    const counts = await withClient(
      app.database.url,
      async (c) =>
        (
          await c.query(
            `SELECT count(r.id)::int AS results FROM "Submission" s LEFT JOIN "Result" r ON r."submissionId" = s.id WHERE s.id = ANY($1) GROUP BY s.id`,
            [ids],
          )
        ).rows as { results: number }[],
    );
    expect(counts).toHaveLength(ids.length);
    expect(counts.every((row) => row.results === 1)).toBe(true);

    const learner = await register(app, 'storm-after');
    const attemptId = await startAttempt(app, learner, MODEL_SLUG);
    const id = await submitModel(app, learner, attemptId, await uploadBytes(app, learner, catalogModel(MODEL_SLUG, 'known-solution')));
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(300)) {
      const { body } = await app.graphql(`{ submission(id: "${id}") { status result { verdict } } }`, {}, learner.auth);
      const now = body.data!.submission as { status: string; result: { verdict: string } | null };
      if (!['QUEUED', 'RUNNING'].includes(now.status)) {
        expect(now).toEqual({ status: 'SCORED', result: { verdict: 'PASSED' } });
        break;
      }
    }
    // The timeouts and crashes above replaced the host several times; each replaced host's working
    // folder went with it, and only the live host remains, a child of this process.
    const mine = sandboxHostProcesses().filter((host) => host.ppid === process.pid);
    expect(mine).toHaveLength(1);
    const folders = readdirSync(join(tmpdir(), 'proving-sandboxes', String(process.pid)));
    expect(folders).toHaveLength(1);
  }, 180_000);
});
