/**
 * @jest-environment ./libs/testing/src/onnxruntime-environment.ts
 */
import { buildModelBytes, GraphBuilder, type Dimension } from '../../libs/catalog/src/models/onnx-graph';
import { readModelChallenges } from '../../libs/catalog/src/models/model-challenges';
import { buildModel } from '../../libs/catalog/src/models/registry';
import { SeededRandom } from '../../libs/catalog/src/models/seeded-random';
import { evaluateParity, formatNumber, MAX_RUNTIME_MESSAGE_CHARS, parityErrorCode, runtimeMessage } from './evaluate-parity';
import { hiddenBatch, resolveInputShape, Xoshiro128, type ConcreteInput } from './hidden-inputs';
import type { ParityResult, ParityRule, ParityTask, TensorSpec } from './types';

const ROWS = 8;
const FEATURES = 16;
const CLASSES = 10;

interface AffineOptions {
  /** The input's declared shape (the reference's is [ROWS, FEATURES]). */
  inputShape?: readonly Dimension[];
  outputName?: string;
  /** Multiplies the output. */
  scale?: number;
  /** Added to the output (after scaling), broadcast over rows. */
  shift?: number;
  /** Places a NaN at this [row, class] of the output. */
  nanAt?: [number, number];
  /** Reshapes the output to this shape. */
  reshapeTo?: readonly number[];
  /** A second output: the first, times this factor. */
  auxiliaryScale?: number;
}

/** y = x·W + b with fixed weights, plus the deviation a case needs. */
function affineModel(options: AffineOptions = {}): Uint8Array {
  const rng = new SeededRandom(42);
  const inputShape = options.inputShape ?? [ROWS, FEATURES];
  const outputName = options.outputName ?? 'scores';
  const g = new GraphBuilder('affine');
  const x = g.input('x', 'float32', inputShape);
  const w = g.initializer('w', 'float32', [FEATURES, CLASSES], rng.normalFloat32(FEATURES * CLASSES, 0.5));
  const b = g.initializer('b', 'float32', [CLASSES], rng.normalFloat32(CLASSES, 0.1));
  let y = g.op('Add', [g.op('MatMul', [x, w]), b]);
  if (options.auxiliaryScale !== undefined) {
    g.op('Mul', [y, g.scalar('aux_scale', options.auxiliaryScale)], {}, { output: 'aux' });
    g.output('aux', 'float32', [inputShape[0], CLASSES]);
  }
  if (options.scale !== undefined) y = g.op('Mul', [y, g.scalar('scale', options.scale)]);
  if (options.shift !== undefined) y = g.op('Add', [y, g.scalar('shift', options.shift)]);
  if (options.nanAt) {
    const mask = new Float32Array(ROWS * CLASSES);
    mask[options.nanAt[0] * CLASSES + options.nanAt[1]] = NaN;
    y = g.op('Add', [y, g.initializer('nan_mask', 'float32', [ROWS, CLASSES], mask)]);
  }
  if (options.reshapeTo) y = g.op('Reshape', [y, g.int64s('new_shape', options.reshapeTo)]);
  g.op('Identity', [y], {}, { output: outputName });
  g.output(outputName, 'float32', options.reshapeTo ?? [inputShape[0], CLASSES]);
  return buildModelBytes(g);
}

const TOLERANCE: ParityRule = { metric: 'tolerance', rtol: 1e-3, atol: 1e-5, minElementShare: 0.999 };
const reference = affineModel();

function task(candidate: Uint8Array, overrides: Partial<ParityTask> = {}): ParityTask {
  return {
    reference,
    candidate,
    inputs: [{ name: 'x', dtype: 'float32', shape: [ROWS, FEATURES] }],
    outputs: [{ name: 'scores', dtype: 'float32', shape: [ROWS, CLASSES] }],
    secretSeed: 'attempt-secret-7f3a',
    scoringNonce: 'job-1',
    batches: 16,
    parity: TOLERANCE,
    session: { graphOptimizationLevel: 'all', intraOpNumThreads: 1, executionProviders: ['cpu'] },
    ...overrides,
  };
}

function onlyFailure(result: ParityResult): ParityResult['failures'][number] {
  expect(result.passed).toBe(false);
  expect(result.failures).toHaveLength(1);
  return result.failures[0];
}

describe('evaluateParity with the tolerance rule', () => {
  it('passes the reference against itself with zero error, reporting every output', async () => {
    const result = await evaluateParity(task(reference));
    expect(result).toMatchObject({ passed: true, batches: 16, failures: [] });
    expect(result.outputs).toEqual([
      {
        name: 'scores',
        judgedBy: 'tolerance',
        elements: 16 * ROWS * CLASSES,
        relativeL2: 0,
        worstAbsError: 0,
        worstIndex: [0, 0],
        worstBatch: 0,
        withinTolerance: 1,
        nonFinite: 0,
        constant: false,
        passed: true,
      },
    ]);
    expect(result.referenceMs).toBeGreaterThan(0);
    expect(result.candidateMs).toBeGreaterThan(0);
    // The result crosses the Piscina boundary as a structured clone: plain data only.
    expect(structuredClone(result)).toEqual(result);
  });

  it('passes a model that differs only by float rounding (×1.00001) and fails one scaled by 1.01, naming the worst element', async () => {
    const close = await evaluateParity(task(affineModel({ scale: 1.00001 })));
    expect(close.passed).toBe(true);
    expect(close.outputs[0].relativeL2).toBeGreaterThan(0);

    const scaled = await evaluateParity(task(affineModel({ scale: 1.01 })));
    const failure = onlyFailure(scaled);
    expect(failure.code).toBe('PARITY_FAILED');
    const [output] = scaled.outputs;
    expect(output.relativeL2).toBeCloseTo(0.01, 4);
    expect(output.withinTolerance).toBeLessThan(0.1);
    // The worst element is the one with the largest |reference|, since the error is 1 % of it.
    expect(output.worstAbsError).toBeGreaterThan(0);
    expect(output.worstIndex).toHaveLength(2);
    expect(failure.message).toBe(
      `output scores: relative L2 error 1e-2 > rtol 1e-3; only ${Math.floor(output.withinTolerance! * 10_000) / 100}% of elements within atol + rtol·|ref| (need 99.9%); ` +
        `worst |Δ| ${formatNumber(output.worstAbsError)} at [${output.worstIndex.join(', ')}] in batch ${output.worstBatch}`,
    );
    expect(output.reason).toBe(failure.message);
  });

  it('fails a model that produces NaN with OUTPUT_NON_FINITE, counting every NaN and naming the first', async () => {
    const result = await evaluateParity(task(affineModel({ nanAt: [2, 3] })));
    const failure = onlyFailure(result);
    expect(failure).toEqual({
      code: 'OUTPUT_NON_FINITE',
      output: 'scores',
      message: `output scores: 16 of ${16 * ROWS * CLASSES} values are NaN or ±Inf where the reference is finite; first at [2, 3] in batch 0`,
    });
    expect(result.outputs[0]).toMatchObject({ nonFinite: 16, passed: false, worstAbsError: 0 });
  });

  it('fails an all-zero output with OUTPUT_CONSTANT', async () => {
    const result = await evaluateParity(task(affineModel({ scale: 0 })));
    expect(onlyFailure(result)).toEqual({
      code: 'OUTPUT_CONSTANT',
      output: 'scores',
      message: "output scores: every element of every batch is 0 while the reference's output varies",
    });
    expect(result.outputs[0].constant).toBe(true);
  });

  it('fails an output of another shape with OUTPUT_SHAPE_MISMATCH, and a missing output with OUTPUT_MISSING', async () => {
    const reshaped = await evaluateParity(task(affineModel({ reshapeTo: [CLASSES, ROWS] })));
    expect(onlyFailure(reshaped)).toEqual({
      code: 'OUTPUT_SHAPE_MISMATCH',
      output: 'scores',
      message: 'output scores: the model gives float32 [10, 8] where the reference gives float32 [8, 10] (batch 0)',
    });
    expect(reshaped.outputs[0]).toMatchObject({ elements: 0, relativeL2: null, worstIndex: [], worstBatch: null, withinTolerance: null });

    const renamed = await evaluateParity(task(affineModel({ outputName: 'logits' })));
    expect(onlyFailure(renamed)).toEqual({
      code: 'OUTPUT_MISSING',
      output: 'scores',
      message: 'output scores: the model has no output of that name (its outputs: logits)',
    });
    // With no declared output to fetch the candidate never ran.
    expect(renamed.candidateMs).toBe(0);
  });

  it('throws MODEL_UNLOADABLE with ONNX Runtime’s message for bytes that are no model', async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    const error = await evaluateParity(task(garbage)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^MODEL_UNLOADABLE: \S/);
    expect((error as Error).message.length).toBeLessThanOrEqual('MODEL_UNLOADABLE: '.length + MAX_RUNTIME_MESSAGE_CHARS);
    expect(parityErrorCode(structuredClone(error))).toBe('MODEL_UNLOADABLE');
  });

  it('throws MODEL_RUN_FAILED when the model cannot run on inputs of the declared shape', async () => {
    await expect(evaluateParity(task(affineModel({ inputShape: [ROWS / 2, FEATURES], reshapeTo: [ROWS / 2, CLASSES] })))).rejects.toThrow(
      /^MODEL_RUN_FAILED: the model failed on hidden batch 0: Got invalid dimensions for input: x .*Expected: 4/,
    );
  });

  it('refuses a task with fewer than 16 batches or a top-1 output that is not declared', async () => {
    await expect(evaluateParity(task(reference, { batches: 4 }))).rejects.toThrow(/^INVALID_TASK: batches must be an integer ≥ 16, got 4/);
    await expect(evaluateParity(task(reference, { parity: { metric: 'top1', output: 'labels', minAgreement: 0.99 } }))).rejects.toThrow(
      /^INVALID_TASK: top1 output labels is not a declared output/,
    );
  });

  it('draws symbolic dimensions at 1 when the reference does not fix them', async () => {
    const symbolic = affineModel({ inputShape: ['batch', FEATURES] });
    const result = await evaluateParity(
      task(symbolic, {
        reference: symbolic,
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', FEATURES] }],
        outputs: [{ name: 'scores', dtype: 'float32', shape: ['batch', CLASSES] }],
      }),
    );
    expect(result.passed).toBe(true);
    expect(result.outputs[0].elements).toBe(16 * 1 * CLASSES);
  });

  it('passes the known solution of pruned-mlp-speedup, given the catalog spec as is', async () => {
    const challenge = readModelChallenges().find((c) => c.slug === 'pruned-mlp-speedup');
    if (!challenge) throw new Error('the catalog needs pruned-mlp-speedup');
    const { spec } = challenge;
    // Compiles only while the sandbox's types stay structurally the catalog's.
    const catalogTask: ParityTask = {
      reference: buildModel(spec.reference),
      candidate: buildModel(spec.knownSolution),
      inputs: spec.inputs,
      outputs: spec.outputs,
      secretSeed: 'attempt-secret-7f3a',
      scoringNonce: 'job-2',
      batches: spec.parityBatches,
      parity: spec.parity,
      session: spec.session,
    };
    const result = await evaluateParity(catalogTask);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.outputs[0].relativeL2).toBeLessThan(1e-5);
    expect(result.outputs[0].relativeL2).toBeGreaterThan(0);
  });
});

describe('evaluateParity with the top-1 rule', () => {
  const top1: ParityTask['parity'] = { metric: 'top1', output: 'scores', minAgreement: 0.99 };
  const twoOutputs: TensorSpec[] = [
    { name: 'scores', dtype: 'float32', shape: [ROWS, CLASSES] },
    { name: 'aux', dtype: 'float32', shape: [ROWS, CLASSES] },
  ];

  it('passes a perturbed model that keeps every arg-max; other outputs are reported but held only to their structure', async () => {
    const result = await evaluateParity(
      task(affineModel({ scale: 1.05, shift: 0.3, auxiliaryScale: 2 }), {
        reference: affineModel({ auxiliaryScale: 1 }),
        outputs: twoOutputs,
        parity: top1,
      }),
    );
    expect(result.failures).toEqual([]);
    expect(result.outputs[0]).toMatchObject({ name: 'scores', judgedBy: 'top1', top1Agreement: 1, withinTolerance: null, passed: true });
    expect(result.outputs[1]).toMatchObject({ name: 'aux', judgedBy: 'structure', withinTolerance: null, passed: true });
    expect(result.outputs[1].relativeL2).toBeCloseTo(1, 5);
    expect(result.outputs[1]).not.toHaveProperty('top1Agreement');
  });

  it('fails a model that flips the arg-max, naming the first disagreeing row', async () => {
    const result = await evaluateParity(task(affineModel({ scale: -1 }), { parity: top1 }));
    const failure = onlyFailure(result);
    expect(failure.code).toBe('PARITY_FAILED');
    expect(failure.message).toMatch(
      /^output scores: top-1 agreement \d+(\.\d+)?% < 99% \(\d+ of 128 rows pick another class\); first disagreement at row \[\d\] in batch \d+$/,
    );
    expect(result.outputs[0].top1Agreement).toBeLessThan(0.2);
  });
});

describe('hidden inputs', () => {
  const inputs: ConcreteInput[] = [
    { name: 'features', dtype: 'float32', dims: [4, 64] },
    { name: 'tokens', dtype: 'int64', dims: [4, 32] },
    { name: 'mask', dtype: 'bool', dims: [4, 32] },
    { name: 'pixels', dtype: 'uint8', dims: [256] },
    { name: 'weights64', dtype: 'float64', dims: [256] },
  ];

  it('are the same for the same seed, nonce and batch, and differ when any of them changes', () => {
    const drawn = hiddenBatch(inputs, 'seed-a', 'job-1', 0);
    expect(hiddenBatch(inputs, 'seed-a', 'job-1', 0)).toEqual(drawn);
    for (const other of [
      hiddenBatch(inputs, 'seed-a', 'job-2', 0),
      hiddenBatch(inputs, 'seed-b', 'job-1', 0),
      hiddenBatch(inputs, 'seed-a', 'job-1', 1),
    ]) {
      other.forEach((tensor, i) => expect(Buffer.from(tensor.data.buffer).equals(Buffer.from(drawn[i].data.buffer))).toBe(false));
    }
  });

  it('do not depend on the order in which the inputs are listed, and fields cannot run into each other', () => {
    const forward = hiddenBatch(inputs, 'seed-a', 'job-1', 3);
    const backward = hiddenBatch([...inputs].reverse(), 'seed-a', 'job-1', 3).reverse();
    expect(backward).toEqual(forward);
    const [joined] = hiddenBatch([inputs[0]], 'seed-a|job', '1', 0);
    const [split] = hiddenBatch([inputs[0]], 'seed-a', 'job|1', 0);
    expect(Buffer.from(joined.data.buffer).equals(Buffer.from(split.data.buffer))).toBe(false);
  });

  it('draw floats uniform in [-1, 1), integers in [0, 10), bytes in [0, 256) and booleans as 0/1', () => {
    const [features, tokens, mask, pixels, weights64] = hiddenBatch(inputs, 'seed-a', 'job-1', 0);
    expect(features.data).toBeInstanceOf(Float32Array);
    expect(features.dims).toEqual([4, 64]);
    const floats = [...(features.data as Float32Array), ...(weights64.data as Float64Array)];
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect(Math.abs(floats.reduce((a, b) => a + b, 0) / floats.length)).toBeLessThan(0.1);
    expect(Math.min(...floats)).toBeLessThan(-0.9);
    expect(Math.max(...floats)).toBeGreaterThan(0.9);
    expect(new Set([...(tokens.data as BigInt64Array)])).toEqual(new Set([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]));
    expect(new Set(mask.data as Uint8Array)).toEqual(new Set([0, 1]));
    expect(Math.max(...(pixels.data as Uint8Array))).toBeGreaterThan(200);
  });

  it('come from xoshiro128** as published (state 1, 2, 3, 4 gives the reference sequence)', () => {
    const seed = new Uint8Array(16);
    [1, 2, 3, 4].forEach((word, i) => new DataView(seed.buffer).setUint32(i * 4, word, true));
    const random = new Xoshiro128(seed);
    expect(Array.from({ length: 10 }, () => random.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('keep their values across releases (a changed drawing must change STREAM_DOMAIN)', () => {
    const [first] = hiddenBatch([{ name: 'x', dtype: 'float32', dims: [4] }], 'seed', 'nonce', 0);
    expect([...first.data]).toEqual(GOLDEN_FIRST_VALUES);
  });

  it('resolve a symbolic dimension from the reference’s fixed size, else to 1; fixed sizes in the spec win', () => {
    const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 16] };
    expect(resolveInputShape(spec, [4, 16])).toEqual([4, 16]);
    expect(resolveInputShape(spec, ['N', 16])).toEqual([1, 16]);
    expect(resolveInputShape(spec)).toEqual([1, 16]);
    expect(resolveInputShape(spec, [4])).toEqual([1, 16]);
    expect(resolveInputShape({ ...spec, shape: [2, 16] }, [4, 16])).toEqual([2, 16]);
  });
});

describe('messages', () => {
  it('write numbers the way a learner reads them', () => {
    expect([0.41, 0.031, 1e-3, 2.5e-5, 1234, 0].map((n) => formatNumber(n))).toEqual(['0.41', '3.1e-2', '1e-3', '2.5e-5', '1200', '0']);
    expect(formatNumber(1.00042e-3, 5)).toBe('1.0004e-3');
  });

  it('keep ONNX Runtime’s message on one line without source paths or colours, cut to the limit', () => {
    const raw =
      '\u001b[1;31m[E:onnxruntime] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1988 Failed\n  to load\u001b[m';
    expect(runtimeMessage(new Error(raw))).toBe('[E:onnxruntime] provider_bridge_ort.cc:1988 Failed to load');
    expect(runtimeMessage(new Error('x'.repeat(2000)))).toHaveLength(MAX_RUNTIME_MESSAGE_CHARS);
  });
});

/** hiddenBatch of one float32 input x [4] for seed 'seed', nonce 'nonce', batch 0. */
const GOLDEN_FIRST_VALUES = [-0.3519665002822876, -0.7106651067733765, 0.7549881935119629, 0.764345645904541];
