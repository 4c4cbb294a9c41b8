/**
 * @jest-environment ./libs/testing/src/onnxruntime-environment.ts
 */
import { buildModelBytes, GraphBuilder } from '../../libs/catalog/src/models/onnx-graph';
import { SeededRandom } from '../../libs/catalog/src/models/seeded-random';
import { parityErrorCode } from './evaluate-parity';
import { measureModelMemory, readResidentMemory, type MemoryTask } from './memory';

/**
 * The numbers are the whole (Jest) process's here, so only their consistency is asserted; the
 * scorer runs the task in a one-off sandbox host where they are the model's.
 */
function matmulModel(rows: number): Uint8Array {
  const g = new GraphBuilder('matmul');
  const x = g.input('x', 'float32', [rows, 256]);
  const w = g.initializer('w', 'float32', [256, 256], new SeededRandom(5).normalFloat32(256 * 256, 0.1));
  g.op('MatMul', [x, w], {}, { output: 'y' });
  g.output('y', 'float32', [rows, 256]);
  return buildModelBytes(g);
}

function task(model: Uint8Array, overrides: Partial<MemoryTask> = {}): MemoryTask {
  return {
    model,
    inputs: [{ name: 'x', dtype: 'float32', shape: [64, 256] }],
    secretSeed: 'attempt-secret-7f3a',
    scoringNonce: 'job-1',
    session: { graphOptimizationLevel: 'all', intraOpNumThreads: 1, executionProviders: ['cpu'] },
    runs: 5,
    ...overrides,
  };
}

describe('measureModelMemory', () => {
  it('reports the file size and resident memory before, after loading and at the peak of the runs', async () => {
    const model = matmulModel(64);
    const result = await measureModelMemory(task(model));
    expect(result.fileBytes).toBe(model.byteLength);
    expect(result.baselineBytes).toBeGreaterThan(0);
    expect(result.rssAfterLoadBytes).toBeGreaterThan(0);
    expect(['clear_refs', 'vmhwm-since-start']).toContain(result.method);
    expect(result.peakAboveLoadBytes).toBe(Math.max(0, result.peakDuringRunsBytes - result.rssAfterLoadBytes));
    expect(structuredClone(result)).toEqual(result);
  });

  it('blames the learner for a model that does not load or does not run, and refuses no runs', async () => {
    const unloadable = await measureModelMemory(task(new Uint8Array([1, 2, 3]))).catch((e: unknown) => e);
    expect(parityErrorCode(unloadable)).toBe('MODEL_UNLOADABLE');
    const wrongInput = await measureModelMemory(task(matmulModel(32))).catch((e: unknown) => e);
    expect(parityErrorCode(wrongInput)).toBe('MODEL_RUN_FAILED');
    const noRuns = await measureModelMemory(task(matmulModel(64), { runs: 0 })).catch((e: unknown) => e);
    expect(parityErrorCode(noRuns)).toBe('INVALID_TASK');
  });
});

describe('readResidentMemory', () => {
  it('reads VmRSS and VmHWM of /proc/self/status in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1300000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(readResidentMemory(status)).toEqual({ rssBytes: 100 * 1024 * 1024, peakBytes: 200 * 1024 * 1024 });
  });

  it('says so when a line is missing', () => {
    expect(() => readResidentMemory('Name:\tnode\n')).toThrow(/^MEMORY_UNAVAILABLE: /);
  });
});
