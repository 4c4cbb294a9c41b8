/**
 * @jest-environment ./libs/testing/src/onnxruntime-environment.ts
 */
import * as ort from 'onnxruntime-node';
import { attr, buildModelBytes, GraphBuilder, opTypeCounts, parseModel } from './onnx-graph';

describe('GraphBuilder', () => {
  function tinyModel(): Uint8Array {
    const g = new GraphBuilder('tiny');
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.initializer('fc.weight', 'float32', [3, 2], new Float32Array([1, 0, 0, 1, 1, 1]));
    const y = g.op('MatMul', [x, w]);
    // axis = 0 is the proto default: it must still be written, or ONNX Runtime would not see it.
    g.op('Softmax', [y], { axis: attr.int(-1) }, { output: 'probabilities' });
    g.output('probabilities', 'float32', ['batch', 2]);
    return buildModelBytes(g, { metadata: { generator: 'test' } });
  }

  it('writes a model that ONNX Runtime loads and runs, with a symbolic batch dimension', async () => {
    const session = await ort.InferenceSession.create(tinyModel());
    const { probabilities } = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 0, 0, 0]), [2, 3]) });
    expect(probabilities.dims).toEqual([2, 2]);
    const [a, b, c, d] = probabilities.data as Float32Array;
    expect(a + b).toBeCloseTo(1, 6);
    expect(b / a).toBeCloseTo(Math.exp(5 - 4), 5);
    expect(c).toBeCloseTo(0.5, 6);
    expect(d).toBeCloseTo(0.5, 6);
    await session.release();
  });

  it('keeps weight names and numbers repeated names, so the same calls give the same bytes', () => {
    expect(Buffer.from(tinyModel()).equals(Buffer.from(tinyModel()))).toBe(true);
    const g = new GraphBuilder('names');
    expect([g.fresh('w'), g.fresh('w'), g.fresh('w')]).toEqual(['w', 'w_1', 'w_2']);
    expect(() => g.input('w', 'float32', [1])).toThrow(/used twice/);
  });

  it('stores metadata and counts op types when read back', () => {
    const model = parseModel(tinyModel());
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([['generator', 'test']]);
    expect(Object.fromEntries(opTypeCounts(model))).toEqual({ MatMul: 1, Softmax: 1 });
    expect(model.graph?.initializer[0].name).toBe('fc.weight');
  });

  it('rejects an initializer whose values do not fill its dims', () => {
    const g = new GraphBuilder('bad');
    expect(() => g.initializer('w', 'float32', [2, 2], new Float32Array(3))).toThrow(/hold 4 values, got 3/);
  });
});
