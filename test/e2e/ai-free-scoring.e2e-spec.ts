import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCodeCorpus, withClient } from '@app/testing';
import { errorCode, register, type Account } from '../support/accounts';
import { corpusSubmission, sessionSolution, sessionSpec, startSession as startSessionOn, submitCode } from '../support/scoring';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * AI-free sessions end to end (issue #7): a client starts a session, sends its edit log, submits the
 * code; the embedded scorer runs the hidden tests and the AI-written solution in the sandbox host,
 * and the result carries the tests, the comparison table and the integrity evidence.
 */

const CHALLENGES_DIR = join(__dirname, '..', '..', 'libs', 'catalog', 'challenges');
const SESSION_CHALLENGES = readdirSync(CHALLENGES_DIR).filter(
  (folder) =>
    (JSON.parse(readFileSync(join(CHALLENGES_DIR, folder, 'challenge.json'), 'utf8')) as { kind: string }).kind === 'AI_FREE_SESSION',
);
const aiSolution = (slug: string) => sessionSolution(slug, 'ai');
const wrongSolution = (slug: string) => sessionSolution(slug, 'wrong');

const SUBMIT = 'mutation($input: SubmitCodeInput!) { submitCode(input: $input) { id status } }';
const RECORD = 'mutation($input: EditBatchInput!) { recordEdits(input: $input) { seq missing } }';
const RESULT_FIELDS = `id status rejection { code message } result {
  verdict points flags environment { executionProvider deviceClass }
  tests { passed total compileError cases { name passed outcome ms errorKind } }
  comparison {
    learner { testsPassed testsTotal medianRunMs runs lines cyclomaticComplexity functions }
    ai { testsPassed testsTotal medianRunMs runs lines cyclomaticComplexity functions }
  }
  integrity { replayMatches replayDistance pastedChars internalPastedChars pastedShare pasteCount burstCount focusLostMs typedChars missingBatches flags }
  certificateId
}`;

interface CodeSide {
  testsPassed: number;
  testsTotal: number;
  medianRunMs: number | null;
  runs: number;
  lines: number;
  cyclomaticComplexity: number;
  functions: number;
}
interface Scored {
  id: string;
  status: string;
  rejection: { code: string; message: string } | null;
  result: {
    verdict: string;
    points: number;
    flags: string[];
    environment: { executionProvider: string; deviceClass: string };
    tests: {
      passed: number;
      total: number;
      compileError: string | null;
      cases: { name: string; passed: boolean; outcome: string; ms: number; errorKind: string | null }[];
    };
    comparison: { learner: CodeSide; ai: CodeSide };
    integrity: {
      replayMatches: boolean;
      replayDistance: number;
      pastedChars: number;
      pastedShare: number;
      pasteCount: number;
      burstCount: number;
      typedChars: number;
      missingBatches: number[];
      flags: string[];
    };
    certificateId: string;
  } | null;
}

type Event = { kind: string; at: number; position?: number; text?: string; length?: number };

const SCORING_TIMEOUT_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AI-free sessions: submitCode, scored in the sandbox', () => {
  let app: TestApp;
  let handles = 0;

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded', SANDBOX_TASK_TIMEOUT_MS: '60000' });
  });

  afterAll(async () => {
    await app.stop();
  });

  const learner = () => register(app, `ai-free-${(handles += 1)}-${process.pid}`);

  const startSession = (account: Account, slug: string) => startSessionOn(app, account, slug);

  async function record(account: Account, sessionId: string, seq: number, events: Event[]): Promise<void> {
    const { body } = await app.graphql(RECORD, { input: { sessionId, seq, events } }, account.auth);
    if (!body.data) throw new Error(`recordEdits failed: ${JSON.stringify(body.errors)}`);
  }

  const submit = (account: Account, sessionId: string, code: string, language: 'javascript' | 'typescript' = 'javascript') =>
    submitCode(app, account, sessionId, code, language);

  async function scored(account: Account, id: string): Promise<Scored> {
    const until = Date.now() + SCORING_TIMEOUT_MS;
    for (;;) {
      const { body } = await app.graphql(`query($id: ID!) { submission(id: $id) { ${RESULT_FIELDS} } }`, { id }, account.auth);
      const submission = body.data?.submission as Scored | undefined;
      if (!submission) throw new Error(`submission(${id}) failed: ${JSON.stringify(body.errors)}`);
      if (['SCORED', 'REJECTED', 'FAILED'].includes(submission.status)) return submission;
      if (Date.now() > until) throw new Error(`submission ${id} still ${submission.status}`);
      await sleep(200);
    }
  }

  /**
   * Types `code` one character per INSERT event, 6 ms apart on the client clock (a fast typist,
   * under the burst rule's 40 characters per 200 ms), in batches of 50 sent no earlier than their
   * last keystroke's time, so the client clock never runs ahead of the server's.
   */
  async function typeOut(account: Account, sessionId: string, code: string, firstSeq = 0, startAt = 100): Promise<number> {
    const began = performance.now();
    let seq = firstSeq;
    for (let offset = 0; offset < code.length; offset += 50) {
      const events = [...code.slice(offset, offset + 50)].map((char, index) => ({
        kind: 'INSERT',
        at: startAt + (offset + index) * 6,
        position: offset + index,
        text: char,
      }));
      const wait = events.at(-1)!.at - startAt - (performance.now() - began);
      if (wait > 0) await sleep(wait);
      await record(account, sessionId, seq, events);
      seq += 1;
    }
    return seq;
  }

  it('a scripted typist submits a correct solution: every hidden test passes, the log replays exactly, no flags', async () => {
    const account = await learner();
    const session = await startSession(account, 'top-k-with-ties');
    const code = aiSolution('top-k-with-ties');
    await typeOut(account, session.id, code);
    const result = await scored(account, await submit(account, session.id, code));

    expect(result).toMatchObject({ status: 'SCORED', rejection: null });
    expect(result.result!.verdict).toBe('PASSED');
    expect(result.result!.points).toBe(100);
    expect(result.result!.tests.passed).toBe(result.result!.tests.total);
    expect(result.result!.tests.cases.every((test) => test.outcome === 'PASSED' && test.ms >= 0)).toBe(true);
    expect(result.result!.integrity).toMatchObject({
      replayMatches: true,
      replayDistance: 0,
      pastedChars: 0,
      pasteCount: 0,
      burstCount: 0,
      typedChars: code.length,
      missingBatches: [],
      flags: [],
    });
    expect(result.result!.environment).toMatchObject({ executionProvider: 'quickjs-wasm', deviceClass: 'cpu' });
    expect(result.result!.certificateId).toEqual(expect.any(String));
  });

  it('the same code pasted in one event passes the tests and shows the paste flag with its share', async () => {
    const account = await learner();
    const session = await startSession(account, 'top-k-with-ties');
    const code = aiSolution('top-k-with-ties');
    await record(account, session.id, 0, [{ kind: 'PASTE', at: 50, position: 0, text: code }]);
    const result = await scored(account, await submit(account, session.id, code));

    expect(result.status).toBe('SCORED');
    expect(result.result!.verdict).toBe('PASSED');
    expect(result.result!.integrity).toMatchObject({ replayMatches: true, pastedChars: code.length, pastedShare: 1, pasteCount: 1 });
    expect(result.result!.integrity.flags).toEqual(['EXTERNAL_PASTE']);
    // Evidence, never a verdict: the points are the same as for typed code.
    expect(result.result!.points).toBe(100);
  });

  it('code that differs from its edit log shows the replay flag', async () => {
    const account = await learner();
    const session = await startSession(account, 'top-k-with-ties');
    await typeOut(account, session.id, 'function topK(xs, k) { return []; }\n');
    const result = await scored(account, await submit(account, session.id, aiSolution('top-k-with-ties')));

    expect(result.status).toBe('SCORED');
    expect(result.result!.integrity.replayMatches).toBe(false);
    expect(result.result!.integrity.replayDistance).toBeGreaterThan(0);
    expect(result.result!.integrity.flags).toContain('REPLAY_MISMATCH');
  });

  it('judges the edit log as it stood at submission: edits sent afterwards do not change the evidence', async () => {
    const account = await learner();
    const session = await startSession(account, 'stable-softmax');
    const code = aiSolution('stable-softmax');
    const nextSeq = await typeOut(account, session.id, code);
    const id = await submit(account, session.id, code);
    // The learner goes on editing (the session is still open) before the scorer reads the log.
    await record(account, session.id, nextSeq, [{ kind: 'INSERT', at: 100 + code.length * 6 + 10, position: 0, text: '// more\n' }]);
    const result = await scored(account, id);
    expect(result.result!.integrity).toMatchObject({ replayMatches: true, flags: [] });
  });

  it('refuses code one second past the deadline and its grace (nothing stored, quota unchanged); takes it before, and scores it', async () => {
    const account = await learner();
    const session = await startSession(account, 'stable-softmax');
    const code = aiSolution('stable-softmax');
    const sql = (text: string, values: unknown[]) => withClient(app.database.url, (client) => client.query(text, values));
    const quotaUsed = async () =>
      (
        await app.graphql(
          'query($s: String!) { challenge(slug: $s) { slug } mySubmissions(challengeSlug: $s, first: 100) { edges { node { id } } } }',
          { s: 'stable-softmax' },
          account.auth,
        )
      ).body.data as { mySubmissions: { edges: unknown[] } };

    // Before the deadline (1 s left): taken and scored.
    await sql(`UPDATE "CodingSession" SET deadline = now() + interval '1 second' WHERE id = $1`, [session.id]);
    const before = await scored(account, await submit(account, session.id, code));
    expect(before.status).toBe('SCORED');
    expect(before.result!.verdict).toBe('PASSED');

    // Inside the grace (the deadline passed 3 s ago): still taken.
    await sql(`UPDATE "CodingSession" SET deadline = now() - interval '3 seconds' WHERE id = $1`, [session.id]);
    const inGrace = await app.graphql(SUBMIT, { input: { sessionId: session.id, code, language: 'javascript' } }, account.auth);
    expect(inGrace.body.errors).toBeUndefined();

    // One second beyond deadline + 5 s grace: refused, nothing stored.
    await sql(`UPDATE "CodingSession" SET deadline = now() - interval '6 seconds' WHERE id = $1`, [session.id]);
    const submissionsBefore = (await quotaUsed()).mySubmissions.edges.length;
    const late = await app.graphql(SUBMIT, { input: { sessionId: session.id, code, language: 'javascript' } }, account.auth);
    expect(errorCode(late)).toBe('CONFLICT');
    expect(late.body.errors![0]!.extensions).toMatchObject({ reason: 'SESSION_EXPIRED' });
    expect((await quotaUsed()).mySubmissions.edges.length).toBe(submissionsBefore);
  });

  it('refuses bad code input with specific codes and stores nothing', async () => {
    const account = await learner();
    const other = await learner();
    const session = await startSession(account, 'stable-softmax');
    const attempt = async (input: Record<string, unknown>, who = account) =>
      app.graphql(
        SUBMIT,
        { input: { sessionId: session.id, code: 'function softmax(x) { return x; }', language: 'javascript', ...input } },
        who.auth,
      );
    const reasons = {
      language: await attempt({ language: 'python' }),
      empty: await attempt({ code: '  \n\t ' }),
      large: await attempt({ code: `// ${'x'.repeat(64 * 1024)}` }),
      notUuid: await attempt({ sessionId: 'not-a-session' }),
      unknown: await attempt({ sessionId: '00000000-0000-4000-8000-000000000000' }),
      otherLearner: await attempt({}, other),
    };
    expect(reasons.language.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'LANGUAGE_UNSUPPORTED' });
    expect(reasons.empty.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CODE_EMPTY' });
    expect(reasons.large.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CODE_TOO_LARGE' });
    expect(errorCode(reasons.notUuid)).toBe('NOT_FOUND');
    expect(errorCode(reasons.unknown)).toBe('NOT_FOUND');
    expect(errorCode(reasons.otherLearner)).toBe('FORBIDDEN');
    const { body } = await app.graphql('{ mySubmissions(first: 10) { edges { node { id } } } }', {}, account.auth);
    expect((body.data!.mySubmissions as { edges: unknown[] }).edges).toEqual([]);
  });

  it('rejects code that does not compile with COMPILE_ERROR and the compiler message', async () => {
    const account = await learner();
    const session = await startSession(account, 'stable-softmax');
    const result = await scored(account, await submit(account, session.id, 'function softmax(x: number[]) { return x', 'typescript'));
    expect(result.status).toBe('REJECTED');
    expect(result.rejection!.code).toBe('COMPILE_ERROR');
    expect(result.result!.tests.compileError).toEqual(expect.any(String));
    expect(result.result!.points).toBe(0);
  });

  it.each(SESSION_CHALLENGES)('%s: the result holds the comparison table of the learner and the AI-written solution', async (slug) => {
    const account = await learner();
    const session = await startSession(account, slug);
    const result = await scored(account, await submit(account, session.id, wrongSolution(slug)));
    expect(result.status).toBe('SCORED');
    const { learner: mine, ai } = result.result!.comparison;
    const total = result.result!.tests.total;
    expect(ai).toMatchObject({ testsPassed: total, testsTotal: total, runs: 5 });
    expect(mine.testsTotal).toBe(total);
    expect(mine.testsPassed).toBeLessThan(total);
    expect(result.result!.verdict).toBe('FAILED');
    for (const side of [mine, ai]) {
      expect(side.lines).toBeGreaterThan(0);
      expect(side.cyclomaticComplexity).toBeGreaterThanOrEqual(1);
      expect(side.functions).toBeGreaterThanOrEqual(1);
    }
    expect(ai.medianRunMs).toBeGreaterThan(0);
  });

  describe('the escape corpus through the API', () => {
    const corpus = loadCodeCorpus();
    const slug = 'top-k-with-ties';
    const { entryPoint, limits } = sessionSpec(slug);
    const SLACK_MS = 2_000;
    const DEFINED_FAILURES = ['WRONG_ANSWER', 'TIME_LIMIT', 'MEMORY_LIMIT', 'RUNTIME_ERROR', 'OUTPUT_LIMIT', 'SKIPPED'];
    /** A learner's daily quota is 10 per challenge: a new learner (and session) every 10 entries. */
    const accounts: { account: Account; session: string }[] = [];
    const entries = Object.entries(corpus.entries);

    it.each(entries.map(([name, entry], index) => [name, entry.file, index] as const))(
      '%s ends with a defined failure in time; the AI-written solution run next in the same pool passes',
      async (_name, file, index) => {
        if (index % 10 === 0) {
          const account = await learner();
          accounts.push({ account, session: (await startSession(account, slug)).id });
        }
        const { account, session } = accounts.at(-1)!;
        const { code, language } = corpusSubmission(file, entryPoint);
        const hostile = await scored(account, await submit(account, session, code, language));

        expect(['SCORED', 'REJECTED']).toContain(hostile.status);
        expect(hostile.result!.verdict).toBe('FAILED');
        expect(hostile.result!.points).toBe(0);
        for (const test of hostile.result!.tests.cases) {
          expect(DEFINED_FAILURES).toContain(test.outcome);
          expect(test.ms).toBeLessThan(limits.timeMsPerTest + SLACK_MS);
        }
        // The scorer runs the AI-written solution right after the hostile code, on the same sandbox
        // host: it passing every test, six times over, shows nothing the hostile code did stayed behind.
        const { ai } = hostile.result!.comparison;
        expect(ai).toMatchObject({ testsPassed: hostile.result!.tests.total, testsTotal: hostile.result!.tests.total, runs: 5 });
      },
    );

    it("a learner's correct solution passes after the whole corpus", async () => {
      const { account, session } = accounts.at(-1)!;
      const next = await scored(account, await submit(account, session, aiSolution(slug)));
      expect(next.result!.verdict).toBe('PASSED');
      expect(next.result!.tests.cases.every((test) => test.outcome === 'PASSED')).toBe(true);
    });
  });
});
