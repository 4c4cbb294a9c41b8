import type { ParityResult } from '../../../../sandboxes/onnx/types';
import { endFromParity, endFromSandboxFailure, type ScoringEnvironment } from './model-scoring';

const environment: ScoringEnvironment = {
  scorerId: 's',
  host: 'h',
  scorerVersion: '0.1.0',
  deviceClass: 'cpu',
  executionProvider: 'cpu',
  ortVersion: '1.30.0',
  cpuModel: 'cpu',
  gpuModel: null,
};
const spec = (kind: 'OPTIMIZE_MODEL' | 'PORT_TO_JAX') => ({ kind }) as Parameters<typeof endFromParity>[0];

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
    const end = endFromParity(spec('OPTIMIZE_MODEL'), 100, parity(false), environment);
    expect(end).toMatchObject({
      status: 'REJECTED',
      rejection: { code: 'OUTPUT_NON_FINITE', message: 'output a: 3 NaN; output b: relative L2 error 1e-2 > rtol 1e-3' },
      result: { verdict: 'FAILED', points: 0, metrics: { parity: { passed: false } } },
    });
  });

  it('passes a JAX port on parity with its points, and leaves an optimization INCONCLUSIVE until its speed is measured', () => {
    expect(endFromParity(spec('PORT_TO_JAX'), 80, parity(true), environment)).toMatchObject({
      status: 'SCORED',
      result: { verdict: 'PASSED', points: 80, flags: [] },
    });
    expect(endFromParity(spec('OPTIMIZE_MODEL'), 100, parity(true), environment)).toMatchObject({
      status: 'SCORED',
      result: { verdict: 'INCONCLUSIVE', points: 0, flags: ['SPEEDUP_NOT_MEASURED'] },
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
