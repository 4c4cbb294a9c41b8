import type { ParityResult } from '../../../../sandboxes/onnx/types';
import type { BenchmarkResult } from '../../../../sandboxes/onnx/benchmark';
import {
  endFromMeasurements,
  endFromSandboxFailure,
  rejectionFromParity,
  type Measurements,
  type ModelSpec,
  type ScoringEnvironment,
} from './model-scoring';

const environment: ScoringEnvironment = {
  scorerId: 's',
  host: 'h',
  scorerVersion: '0.1.0',
  deviceClass: 'cpu',
  executionProvider: 'cpu',
  ortVersion: '1.30.0',
  cpuModel: 'cpu',
  gpuModel: null,
  intraOpNumThreads: 1,
};
const spec = (kind: 'OPTIMIZE_MODEL' | 'PORT_TO_JAX') => ({ kind, targetSpeedup: 3 }) as ModelSpec;

const parity = (passed: boolean): ParityResult => ({
  passed,
  batches: 16,
  outputs: [],
  failures: passed
    ? []
    : [
        { code: 'OUTPUT_NON_FINITE', output: 'a', message: 'output a: 3 NaN' },
        { code: 'PARITY_FAILED', output: 'b', message: 'output b: relative L2 error 1e-2 > rtol 1e-3' },
      ],
  referenceMs: 1,
  candidateMs: 1,
});

describe('model scoring outcomes', () => {
  it('rejects failed parity with the first failure code, every message, and the report as evidence', () => {
    expect(rejectionFromParity(parity(false), environment)).toMatchObject({
      status: 'REJECTED',
      rejection: { code: 'OUTPUT_NON_FINITE', message: 'output a: 3 NaN; output b: relative L2 error 1e-2 > rtol 1e-3' },
      result: { verdict: 'FAILED', points: 0, metrics: { parity: { passed: false } } },
    });
    expect(rejectionFromParity(parity(true), environment)).toBeNull();
  });

  const measured = (speedup: number, speedupLow: number, speedupHigh: number, recheck = true): Measurements => ({
    check: { irVersion: 8, opsets: { '': 17 }, nodes: 3, initializerBytes: 0, opTypes: {} },
    parity: parity(true),
    timing: {
      speedup,
      speedupLow,
      speedupHigh,
      recheck: { passed: recheck, rounds: [3], message: 'round 3: output scores differs' },
    } as BenchmarkResult,
    memory: { baseline: {}, candidate: {} } as Measurements['memory'],
  });

  it('judges an optimization by its interval against the target, paying points only when PASSED', () => {
    expect(endFromMeasurements(spec('OPTIMIZE_MODEL'), 100, measured(4.5, 4, 5), environment)).toMatchObject({
      status: 'SCORED',
      result: { verdict: 'PASSED', points: 150, flags: [], metrics: { timing: { target: 3 } } },
    });
    expect(endFromMeasurements(spec('OPTIMIZE_MODEL'), 100, measured(3.05, 2.9, 3.2), environment).result).toMatchObject({
      verdict: 'INCONCLUSIVE',
      points: 0,
    });
    expect(endFromMeasurements(spec('OPTIMIZE_MODEL'), 100, measured(1, 0.98, 1.02), environment).result).toMatchObject({
      verdict: 'FAILED',
      points: 0,
    });
    expect(endFromMeasurements(spec('OPTIMIZE_MODEL'), 100, measured(25, 24, 26), environment).result.flags).toEqual([
      'SPEEDUP_IMPLAUSIBLE',
    ]);
  });

  it('passes a JAX port on parity whatever its speed, and rejects any model whose timed outputs changed', () => {
    expect(endFromMeasurements(spec('PORT_TO_JAX'), 80, measured(0.5, 0.4, 0.6), environment)).toMatchObject({
      status: 'SCORED',
      result: { verdict: 'PASSED', points: 80 },
    });
    expect(endFromMeasurements(spec('OPTIMIZE_MODEL'), 100, measured(4.5, 4, 5, false), environment)).toMatchObject({
      status: 'REJECTED',
      rejection: { code: 'TIMING_RECHECK_FAILED', message: expect.stringContaining('round 3') },
    });
  });

  it.each([
    ['SANDBOX_TIMEOUT', 'SANDBOX_TIMEOUT'],
    ['SANDBOX_LIMIT', 'SANDBOX_LIMIT'],
    ['SANDBOX_CRASHED', 'SANDBOX_CRASHED'],
  ])('rejects a task that ended with %s', (code, rejection) => {
    expect(endFromSandboxFailure({ code, message: 'it happened' }, environment)).toMatchObject({
      status: 'REJECTED',
      rejection: { code: rejection, message: expect.stringMatching(/^it happened; /) },
    });
  });

  it('rejects models ONNX Runtime refused, without the code prefix in the message', () => {
    expect(
      endFromSandboxFailure({ code: 'SANDBOX_FAILED', message: 'MODEL_UNLOADABLE: protobuf parsing failed' }, environment),
    ).toMatchObject({
      status: 'REJECTED',
      rejection: { code: 'MODEL_UNLOADABLE', message: 'protobuf parsing failed' },
    });
    expect(endFromSandboxFailure({ code: 'SANDBOX_FAILED', message: 'MODEL_RUN_FAILED: batch 3: bad shape' }, environment)).toMatchObject({
      rejection: { code: 'MODEL_RUN_FAILED' },
    });
  });

  it.each([
    ['HOST_LOST', 'collateral'],
    ['SANDBOX_FAILED', 'REFERENCE_FAILED: cuda missing'],
    ['SANDBOX_FAILED', 'INVALID_TASK: 3 batches'],
    ['SANDBOX_FAILED', 'TypeError: x is undefined'],
  ])('leaves platform faults (%s %s) to a retry', (code, message) => {
    expect(endFromSandboxFailure({ code, message }, environment)).toBeNull();
  });
});
