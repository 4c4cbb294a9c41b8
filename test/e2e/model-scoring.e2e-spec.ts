import { buildZip } from '../../sandboxes/archive/source-archive.factory';
import { register, type Account } from '../support/accounts';
import { catalogModel, startAttempt, submitModel, uploadBytes, waitForEnd } from '../support/scoring';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * DESIGN.md §4's promise, through upload → queue → scorer → result: each OPTIMIZE_MODEL challenge's
 * known solution is PASSED with an interval above its target, and its reference submitted
 * unchanged never is.
 */
const OPTIMIZE_CHALLENGES = [
  { slug: 'pruned-mlp-speedup', target: 3 },
  { slug: 'tabular-mlp-speedup', target: 1.5 },
  { slug: 'unfold-cnn-speedup', target: 3 },
  { slug: 'ppocr-recognizer-speedup', target: 2 },
];

const RESULT = `status rejection { code message } result { verdict points flags speedup speedupLow speedupHigh baselineP50Ms candidateP50Ms
  baselinePeakMemoryBytes candidatePeakMemoryBytes parity { passed } environment { executionProvider intraOpNumThreads ortVersion } }`;

interface Scored {
  status: string;
  rejection: { code: string; message: string } | null;
  result: {
    verdict: string;
    points: number;
    flags: string[];
    speedup: number;
    speedupLow: number;
    speedupHigh: number;
    baselineP50Ms: number;
    candidateP50Ms: number;
    baselinePeakMemoryBytes: number;
    candidatePeakMemoryBytes: number;
  };
}

describe('model scoring: known solutions pass, unchanged references do not', () => {
  let app: TestApp;
  let ada: Account;

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded' });
    ada = await register(app, 'speed-ada');
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  const score = async (slug: string, model: Buffer): Promise<Scored> => {
    const attemptId = await startAttempt(app, ada, slug);
    const id = await submitModel(app, ada, attemptId, await uploadBytes(app, ada, model));
    await waitForEnd(app, ada, id, 300_000);
    const { body } = await app.graphql(`{ submission(id: "${id}") { ${RESULT} } }`, {}, ada.auth);
    return body.data!.submission as Scored;
  };

  it.each(OPTIMIZE_CHALLENGES)(
    'passes the known solution of $slug with the lower bound above its target',
    async ({ slug, target }) => {
      const scored = await score(slug, catalogModel(slug, 'known-solution'));
      expect(scored.rejection).toBeNull();
      expect(scored.result.verdict).toBe('PASSED');
      expect(scored.result.speedupLow).toBeGreaterThanOrEqual(target);
      expect(scored.result.speedupLow).toBeLessThanOrEqual(scored.result.speedup);
      expect(scored.result.speedup).toBeLessThanOrEqual(scored.result.speedupHigh);
      expect(scored.result.points).toBeGreaterThan(0);
      expect(scored.result.candidateP50Ms).toBeLessThan(scored.result.baselineP50Ms);
      expect(scored.result.candidatePeakMemoryBytes).toBeGreaterThan(0);
      expect(scored.result.baselinePeakMemoryBytes).toBeGreaterThan(0);
    },
    400_000,
  );

  it.each(OPTIMIZE_CHALLENGES)(
    'never passes the unchanged reference of $slug',
    async ({ slug, target }) => {
      const scored = await score(slug, catalogModel(slug, 'reference'));
      expect(scored.status).toBe('SCORED');
      expect(scored.result.verdict).not.toBe('PASSED');
      expect(scored.result.points).toBe(0);
      expect(scored.result.speedupLow).toBeLessThan(target);
      process.stderr.write(
        `[scoring] ${slug} reference vs itself: ${scored.result.speedup.toFixed(3)}× [${scored.result.speedupLow.toFixed(3)}, ${scored.result.speedupHigh.toFixed(3)}]\n`,
      );
    },
    400_000,
  );

  describe('PORT_TO_JAX', () => {
    const slug = 'port-layernorm-mlp-to-jax';
    const portSource = (path: string) =>
      Buffer.from(
        buildZip([
          { name: path, data: Buffer.from('import jax.numpy as jnp\n\ndef layer_norm(x):\n    return (x - x.mean()) / x.std()\n') },
          { name: 'README.md', data: Buffer.from('# My port\n') },
        ]),
      );
    const submitPort = async (archive: Buffer) => {
      const attemptId = await startAttempt(app, ada, slug);
      const { body } = await app.graphql(
        'mutation($i: SubmitModelInput!) { submitModel(input: $i) { id } }',
        {
          i: {
            attemptId,
            modelSha256: await uploadBytes(app, ada, catalogModel(slug, 'known-solution')),
            sourceSha256: await uploadBytes(app, ada, archive),
          },
        },
        ada.auth,
      );
      const id = (body.data!.submitModel as { id: string }).id;
      await waitForEnd(app, ada, id, 300_000);
      return (
        await app.graphql(`{ submission(id: "${id}") { ${RESULT} result { sourceFiles { path bytes sha256 lines } } } }`, {}, ada.auth)
      ).body.data!.submission as Scored & { result: { sourceFiles: { path: string; lines: number }[] } };
    };

    it('passes a port on parity, reports its speed, and lists its source archive for review', async () => {
      const scored = await submitPort(portSource('port/layer_norm.py'));
      expect(scored.result).toMatchObject({ verdict: 'PASSED', speedup: expect.any(Number), parity: { passed: true } });
      expect(scored.result.points).toBeGreaterThan(0);
      expect(scored.result.sourceFiles).toEqual([
        expect.objectContaining({ path: 'README.md', lines: 1 }),
        expect.objectContaining({ path: 'port/layer_norm.py', lines: 4 }),
      ]);
    }, 400_000);

    it('rejects a source archive that writes outside its folder with SOURCE_ARCHIVE_UNSAFE_PATH', async () => {
      const scored = await submitPort(portSource('../../etc/cron.d/port.py'));
      expect(scored).toMatchObject({ status: 'REJECTED', rejection: { code: 'SOURCE_ARCHIVE_UNSAFE_PATH' } });
    }, 400_000);
  });
});
