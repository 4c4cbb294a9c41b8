import { z } from 'zod';
import { attr, buildModelBytes, GraphBuilder } from './onnx-graph';
import { SeededRandom } from './seeded-random';

/**
 * PORT_TO_JAX — an MLP with layer normalisation and exact (erf) GELU:
 * (Linear → LayerNorm → GELU) × hidden layers → Linear.
 *
 * The reference is written as torch.onnx exports it at opset 17: Gemm (transB) for nn.Linear,
 * the LayerNormalization op, and nn.GELU() as Div(√2)/Erf/Add/Mul/Mul. The known solution is the
 * same function as a flax port exports it: Dense as MatMul + Add, flax's LayerNorm with its
 * default fast variance E[x²] − E[x]² and rsqrt as Reciprocal(Sqrt), and
 * jax.nn.gelu(approximate=False) written with Erf.
 *
 * jax.nn.gelu defaults to approximate=True (the tanh form). That port is plausible and wrong;
 * {@link buildTanhGeluPort} builds it so the tests can show the parity tolerance rejects it.
 */

export const mlpLayerNormOptionsSchema = z
  .object({
    batch: z.number().int().min(1).max(1024).default(32),
    inputFeatures: z.number().int().min(1).max(4096).default(128),
    hiddenUnits: z.array(z.number().int().min(2).max(4096)).min(1).max(6).default([256, 256]),
    outputFeatures: z.number().int().min(1).max(4096).default(10),
    epsilon: z.number().positive().max(0.1).default(1e-5),
  })
  .strict();
export type MlpLayerNormOptions = z.input<typeof mlpLayerNormOptionsSchema>;
type Options = z.output<typeof mlpLayerNormOptionsSchema>;

interface Layer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** [out, in], as PyTorch stores nn.Linear. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  /** LayerNorm scale and shift after this layer (absent after the last). */
  readonly norm?: { readonly gamma: Float32Array; readonly beta: Float32Array };
}

function layers(seed: number, o: Options): Layer[] {
  const rng = new SeededRandom(seed);
  const sizes = [o.inputFeatures, ...o.hiddenUnits, o.outputFeatures];
  return sizes.slice(1).map((outFeatures, l) => {
    const inFeatures = sizes[l];
    const hidden = l < sizes.length - 2;
    return {
      inFeatures,
      outFeatures,
      weight: rng.normalFloat32(outFeatures * inFeatures, Math.sqrt(1 / inFeatures)),
      // A sizeable bias gives every row a non-zero mean, so the LayerNorm centring matters.
      bias: rng.uniformFloat32(outFeatures, -0.5, 0.5),
      norm: hidden ? { gamma: rng.uniformFloat32(outFeatures, 0.7, 1.3), beta: rng.uniformFloat32(outFeatures, -0.2, 0.2) } : undefined,
    };
  });
}

function declareInterface(g: GraphBuilder, o: Options): string {
  g.output('logits', 'float32', [o.batch, o.outputFeatures]);
  return g.input('features', 'float32', [o.batch, o.inputFeatures]);
}

export function buildReference(seed: number, options: MlpLayerNormOptions = {}): Uint8Array {
  const o = mlpLayerNormOptionsSchema.parse(options);
  const g = new GraphBuilder('torch_mlp_layernorm');
  let x = declareInterface(g, o);
  layers(seed, o).forEach((layer, l) => {
    const weight = g.initializer(`fc${l}.weight`, 'float32', [layer.outFeatures, layer.inFeatures], layer.weight);
    const bias = g.initializer(`fc${l}.bias`, 'float32', [layer.outFeatures], layer.bias);
    if (!layer.norm) {
      g.op('Gemm', [x, weight, bias], { transB: attr.int(1) }, { output: 'logits' });
      return;
    }
    const linear = g.op('Gemm', [x, weight, bias], { transB: attr.int(1) });
    const normed = g.op(
      'LayerNormalization',
      [
        linear,
        g.initializer(`ln${l}.weight`, 'float32', [layer.outFeatures], layer.norm.gamma),
        g.initializer(`ln${l}.bias`, 'float32', [layer.outFeatures], layer.norm.beta),
      ],
      { axis: attr.int(-1), epsilon: attr.float(o.epsilon) },
    );
    // torch.onnx's nn.GELU() below opset 20: x · (erf(x / √2) + 1) · 0.5
    const erf = g.op('Erf', [g.op('Div', [normed, g.scalar('sqrt2', Math.SQRT2)])]);
    x = g.op('Mul', [g.op('Mul', [normed, g.op('Add', [erf, g.scalar('one', 1)])]), g.scalar('half', 0.5)]);
  });
  return buildModelBytes(g, { docString: 'MLP with LayerNorm and exact GELU as torch.onnx exports it (opset 17).' });
}

type Gelu = 'erf' | 'tanh';

function flaxPort(seed: number, options: MlpLayerNormOptions, gelu: Gelu): Uint8Array {
  const o = mlpLayerNormOptionsSchema.parse(options);
  const g = new GraphBuilder('flax_mlp_layernorm');
  let x = declareInterface(g, o);
  const lastAxis = { axes: attr.ints([-1]), keepdims: attr.int(1) };
  layers(seed, o).forEach((layer, l) => {
    // flax Dense kernels are [in, out].
    const kernel = new Float32Array(layer.inFeatures * layer.outFeatures);
    for (let out = 0; out < layer.outFeatures; out++)
      for (let i = 0; i < layer.inFeatures; i++) kernel[i * layer.outFeatures + out] = layer.weight[out * layer.inFeatures + i];
    const product = g.op('MatMul', [x, g.initializer(`dense${l}.kernel`, 'float32', [layer.inFeatures, layer.outFeatures], kernel)]);
    const bias = g.initializer(`dense${l}.bias`, 'float32', [layer.outFeatures], layer.bias);
    if (!layer.norm) {
      g.op('Add', [product, bias], {}, { output: 'logits' });
      return;
    }
    const dense = g.op('Add', [product, bias]);
    // flax.linen.LayerNorm(use_fast_variance=True): var = E[x²] − E[x]², y = (x − E[x]) · rsqrt(var + ε) · scale + bias
    const mean = g.op('ReduceMean', [dense], lastAxis);
    const meanOfSquares = g.op('ReduceMean', [g.op('Mul', [dense, dense])], lastAxis);
    const variance = g.op('Sub', [meanOfSquares, g.op('Mul', [mean, mean])]);
    const rsqrt = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar('epsilon', o.epsilon)])])]);
    const scaled = g.op('Mul', [
      g.op('Mul', [g.op('Sub', [dense, mean]), rsqrt]),
      g.initializer(`norm${l}.scale`, 'float32', [layer.outFeatures], layer.norm.gamma),
    ]);
    const normed = g.op('Add', [scaled, g.initializer(`norm${l}.bias`, 'float32', [layer.outFeatures], layer.norm.beta)]);
    if (gelu === 'erf') {
      // jax.nn.gelu(x, approximate=False) = x · 0.5 · (1 + erf(x · (1/√2)))
      const erf = g.op('Erf', [g.op('Mul', [normed, g.scalar('inv_sqrt2', Math.SQRT1_2)])]);
      x = g.op('Mul', [g.op('Mul', [normed, g.scalar('half', 0.5)]), g.op('Add', [g.scalar('one', 1), erf])]);
    } else {
      // jax.nn.gelu(x) (approximate=True) = 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
      const cube = g.op('Mul', [g.op('Mul', [normed, normed]), normed]);
      const inner = g.op('Mul', [
        g.op('Add', [normed, g.op('Mul', [cube, g.scalar('c', 0.044715)])]),
        g.scalar('sqrt_2_over_pi', Math.sqrt(2 / Math.PI)),
      ]);
      x = g.op('Mul', [g.op('Mul', [normed, g.scalar('half', 0.5)]), g.op('Add', [g.scalar('one', 1), g.op('Tanh', [inner])])]);
    }
  });
  return buildModelBytes(g, { docString: `The same MLP as a flax port exports it (${gelu} GELU).` });
}

export function buildKnownSolution(seed: number, options: MlpLayerNormOptions = {}): Uint8Array {
  return flaxPort(seed, options, 'erf');
}

/** For tests only: the port a learner gets by calling jax.nn.gelu with its default (tanh) approximation. */
export function buildTanhGeluPort(seed: number, options: MlpLayerNormOptions = {}): Uint8Array {
  return flaxPort(seed, options, 'tanh');
}
