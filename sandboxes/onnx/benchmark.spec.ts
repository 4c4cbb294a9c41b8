/**
 * @jest-environment ./libs/testing/src/onnxruntime-environment.ts
 */
import * as ort from 'onnxruntime-node';
import { readModelChallenges } from '../../libs/catalog/src/models/model-challenges';
import { buildModelBytes, GraphBuilder } from '../../libs/catalog/src/models/onnx-graph';
import { buildModel } from '../../libs/catalog/src/models/registry';
import { SeededRandom } from '../../libs/catalog/src/models/seeded-random';
import { benchmarkModels, MIN_BENCHMARK_ROUNDS, RECHECKED_ROUNDS, recheckTimedOutputs, type BenchmarkTask } from './benchmark';
import { parityErrorCode } from './evaluate-parity';
import type { ParityRule } from './types';

/**
 * Timings are never asserted beyond what holds on any machine: a model against itself gets an
 * interval around 1, and a candidate that does about a ninth of the work gets a lower bound above 2.
 * Rounds are short (minRoundMs 5) to keep the file fast.
 */
const FAST = { minRoundMs: 5, warmupRuns: 3 } as const;
const TOLERANCE: ParityRule = { metric: 'tolerance', rtol: 1e-3, atol: 1e-5, minElementShare: 0.999 };

const prunedMlp = (() => {
  const challenge = readModelChallenges().find((c) => c.slug === 'pruned-mlp-speedup');
  if (!challenge) throw new Error('the catalog needs pruned-mlp-speedup');
  const { spec } = challenge;
  return { spec, reference: buildModel(spec.reference), knownSolution: buildModel(spec.knownSolution) };
})();

function catalogTask(candidate: Uint8Array, overrides: Partial<BenchmarkTask> = {}): BenchmarkTask {
  const { spec, reference } = prunedMlp;
  // Compiles only while the sandbox's types stay structurally the catalog's.
  return {
    reference,
    candidate,
    inputs: spec.inputs,
    outputs: spec.outputs,
    secretSeed: 'attempt-secret-7f3a',
    scoringNonce: 'job-1',
    session: spec.session,
    parity: spec.parity,
    ...FAST,
    ...overrides,
  };
}

/** y = x·W with fixed weights; `inputShape` lets a candidate declare another input than the reference's [8, 16]. */
function tinyModel(inputShape: readonly number[] = [8, 16]): Uint8Array {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', inputShape);
  const w = g.initializer('w', 'float32', [16, 4], new SeededRandom(3).normalFloat32(64, 0.5));
  g.op('MatMul', [x, w], {}, { output: 'y' });
  g.output('y', 'float32', [inputShape[0], 4]);
  return buildModelBytes(g);
}

function tinyTask(reference: Uint8Array, candidate: Uint8Array, overrides: Partial<BenchmarkTask> = {}): BenchmarkTask {
  return {
    reference,
    candidate,
    inputs: [{ name: 'x', dtype: 'float32', shape: [8, 16] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [8, 4] }],
    secretSeed: 'attempt-secret-7f3a',
    scoringNonce: 'job-1',
    session: { graphOptimizationLevel: 'all', intraOpNumThreads: 1, executionProviders: ['cpu'] },
    parity: TOLERANCE,
    ...FAST,
    ...overrides,
  };
}

async function codeOf(work: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error('expected the benchmark to throw');
  return { code: parityErrorCode(error), message: (error as Error).message };
}

describe('benchmarkModels', () => {
  it('gives the reference against itself an interval that contains 1, with every round and setting reported', async () => {
    const result = await benchmarkModels(catalogTask(prunedMlp.reference));
    expect(result.speedupLow).toBeLessThanOrEqual(1);
    expect(result.speedupHigh).toBeGreaterThanOrEqual(1);
    expect(result.speedupLow).toBeLessThanOrEqual(result.speedup);
    expect(result.speedup).toBeLessThanOrEqual(result.speedupHigh);

    expect(result.rounds).toHaveLength(MIN_BENCHMARK_ROUNDS);
    // ABAB… then BABA…: the side that goes first alternates every round.
    expect(result.rounds.map((round) => round.baselineFirst)).toEqual(result.rounds.map((_, i) => i % 2 === 0));
    for (const round of result.rounds) expect(round.ratio).toBeCloseTo(round.baselineMs / round.candidateMs, 12);
    expect(result.runsPerRound).toBeGreaterThanOrEqual(1);
    expect(result.baselineP50Ms).toBeGreaterThan(0);
    expect(result.baselineP90Ms).toBeGreaterThanOrEqual(result.baselineP50Ms);
    expect(result.candidateP90Ms).toBeGreaterThanOrEqual(result.candidateP50Ms);

    expect(result.recheck.passed).toBe(true);
    expect(result.recheck.message).toBeUndefined();
    expect(result.recheck.rounds).toHaveLength(RECHECKED_ROUNDS);
    for (const round of result.recheck.rounds) expect(round).toBeLessThan(MIN_BENCHMARK_ROUNDS);
    expect(result.settings).toEqual({
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      executionProvider: 'cpu',
      rounds: 30,
      warmupRuns: 3,
      bootstrapResamples: 2000,
      roundStatistic: 'median',
      minRoundMs: 5,
    });
    // Plain data: it crosses the sandbox host's IPC and Piscina as a structured clone.
    expect(structuredClone(result)).toEqual(result);
  });

  it('gives the known solution of pruned-mlp-speedup (about 7× measured) a lower bound above 2', async () => {
    const result = await benchmarkModels(catalogTask(prunedMlp.knownSolution, { scoringNonce: 'job-2' }));
    expect(result.speedupLow).toBeGreaterThan(2);
    expect(result.candidateP50Ms).toBeLessThan(result.baselineP50Ms);
    expect(result.recheck.passed).toBe(true);
  });

  it('re-checks other rounds for another nonce, the same ones for the same seed and nonce', async () => {
    const reference = tinyModel();
    const one = await benchmarkModels(tinyTask(reference, reference, { scoringNonce: 'job-1' }));
    const again = await benchmarkModels(tinyTask(reference, reference, { scoringNonce: 'job-1' }));
    const nonces = await Promise.all(
      ['job-2', 'job-3', 'job-4'].map((scoringNonce) => benchmarkModels(tinyTask(reference, reference, { scoringNonce }))),
    );
    expect(again.recheck.rounds).toEqual(one.recheck.rounds);
    expect(nonces.some((other) => JSON.stringify(other.recheck.rounds) !== JSON.stringify(one.recheck.rounds))).toBe(true);
  });

  it('times rounds by their batch’s mean run when asked, and says so in the settings', async () => {
    const reference = tinyModel();
    const result = await benchmarkModels(tinyTask(reference, reference, { roundStatistic: 'mean' }));
    expect(result.settings.roundStatistic).toBe('mean');
    expect(result.rounds).toHaveLength(MIN_BENCHMARK_ROUNDS);
    for (const round of result.rounds) expect(round.ratio).toBeCloseTo(round.baselineMs / round.candidateMs, 12);
  });

  it('refuses fewer than 30 rounds, a warm-up of none, too few resamples and empty rounds as INVALID_TASK', async () => {
    const reference = tinyModel();
    const { code, message } = await codeOf(
      benchmarkModels(tinyTask(reference, reference, { rounds: 29, warmupRuns: 0, bootstrapResamples: 10, minRoundMs: 0 })),
    );
    expect(code).toBe('INVALID_TASK');
    expect(message).toContain('rounds must be an integer in [30, 10000], got 29');
    expect(message).toContain('warmupRuns');
    expect(message).toContain('bootstrapResamples');
    expect(message).toContain('minRoundMs');
  });

  it('blames the learner for a candidate that does not load or does not run, and the platform for a reference that does not load', async () => {
    const reference = tinyModel();
    expect((await codeOf(benchmarkModels(tinyTask(reference, new Uint8Array([1, 2, 3]))))).code).toBe('MODEL_UNLOADABLE');
    expect((await codeOf(benchmarkModels(tinyTask(new Uint8Array([1, 2, 3]), reference)))).code).toBe('REFERENCE_FAILED');
    const wrongInput = await codeOf(benchmarkModels(tinyTask(reference, tinyModel([4, 16]))));
    expect(wrongInput.code).toBe('MODEL_RUN_FAILED');
    expect(wrongInput.message).toMatch(/^MODEL_RUN_FAILED: the model failed in warm-up run 0: /);
  });
});

describe('recheckTimedOutputs', () => {
  const outputs = [{ name: 'y', dtype: 'float32' as const, shape: [2, 3] }];
  const referenceValues = new Float32Array([0.5, -1, 2, 3, -0.25, 1.5]);
  const tensor = (values: Float32Array) => ({ y: new ort.Tensor('float32', values, [2, 3]) });

  it('passes outputs of timed runs that agree with the reference’s within the rule', () => {
    const nearly = referenceValues.map((v) => v * (1 + 1e-5));
    const recheck = recheckTimedOutputs(
      { outputs, parity: TOLERANCE },
      ['y'],
      [
        { round: 3, batch: 3, reference: tensor(referenceValues), candidate: tensor(nearly) },
        { round: 17, batch: 1, reference: tensor(referenceValues), candidate: tensor(referenceValues) },
      ],
    );
    expect(recheck).toEqual({ passed: true, rounds: [3, 17] });
  });

  it('fails a model whose outputs while timed differ from the reference’s, naming the round and the output', () => {
    const drifted = referenceValues.map((v) => v * 1.1);
    const recheck = recheckTimedOutputs(
      { outputs, parity: TOLERANCE },
      ['y'],
      [
        { round: 3, batch: 3, reference: tensor(referenceValues), candidate: tensor(referenceValues) },
        { round: 21, batch: 5, reference: tensor(referenceValues), candidate: tensor(drifted) },
      ],
    );
    expect(recheck.passed).toBe(false);
    expect(recheck.rounds).toEqual([3, 21]);
    expect(recheck.message).toMatch(
      /^the model's outputs while timed do not agree with the reference's: timed round 21: output y: relative L2 error/,
    );
    expect(recheck.message).not.toContain('timed round 3');
  });

  it('fails a model that stops giving a declared output, and one that gives NaN', () => {
    const missing = recheckTimedOutputs(
      { outputs, parity: TOLERANCE },
      ['other'],
      [{ round: 0, batch: 0, reference: tensor(referenceValues), candidate: {} }],
    );
    expect(missing.passed).toBe(false);
    expect(missing.message).toContain('output y: the model has no output of that name');

    const withNaN = Float32Array.from(referenceValues);
    withNaN[4] = Number.NaN;
    const nonFinite = recheckTimedOutputs(
      { outputs, parity: TOLERANCE },
      ['y'],
      [{ round: 9, batch: 1, reference: tensor(referenceValues), candidate: tensor(withNaN) }],
    );
    expect(nonFinite.message).toContain('timed round 9: output y: 1 of 6 values are NaN or ±Inf');
  });
});
