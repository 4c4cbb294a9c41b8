import { z } from 'zod';
import { attr, buildModelBytes, GraphBuilder } from './onnx-graph';
import { SeededRandom } from './seeded-random';

/**
 * PORT_TO_JAX — a pre-norm causal self-attention block, y = x + W_o · MHA(LayerNorm(x)).
 *
 * The reference is written the way torch.onnx exports a PyTorch block: LayerNormalization, one
 * fused QKV MatMul, Reshape/Transpose into heads, an additive −inf causal mask and Softmax. The
 * known solution is the same function decomposed the way a JAX (flax) port exports: LayerNorm as
 * ReduceMean/Sub/Mul/Sqrt/Div, separate q/k/v projections as Einsum over [D, heads, head_dim]
 * kernels, the query scaled before the logits, the mask applied with Where and jnp.finfo.min,
 * and softmax written out as ReduceMax/Sub/Exp/ReduceSum/Div.
 */

export const attentionBlockOptionsSchema = z
  .object({
    batch: z.number().int().min(1).max(64).default(2),
    sequence: z.number().int().min(1).max(1024).default(32),
    modelDim: z.number().int().min(2).max(1024).default(64),
    heads: z.number().int().min(1).max(32).default(4),
    epsilon: z.number().positive().max(0.1).default(1e-5),
  })
  .strict()
  .refine((o) => o.modelDim % o.heads === 0, 'modelDim must be a multiple of heads');
export type AttentionBlockOptions = z.input<typeof attentionBlockOptionsSchema>;
type Options = z.output<typeof attentionBlockOptionsSchema>;

interface Weights {
  readonly gamma: Float32Array;
  readonly beta: Float32Array;
  /** [D, 3D]: columns are q | k | v, each split into heads of head_dim consecutive columns. */
  readonly qkvWeight: Float32Array;
  readonly qkvBias: Float32Array;
  /** [D, D], applied as ctx @ W. */
  readonly outWeight: Float32Array;
  readonly outBias: Float32Array;
}

function weights(seed: number, o: Options): Weights {
  const rng = new SeededRandom(seed);
  const d = o.modelDim;
  return {
    gamma: rng.uniformFloat32(d, 0.8, 1.2),
    beta: rng.uniformFloat32(d, -0.1, 0.1),
    qkvWeight: rng.normalFloat32(d * 3 * d, Math.sqrt(1 / d)),
    qkvBias: rng.uniformFloat32(3 * d, -0.05, 0.05),
    outWeight: rng.normalFloat32(d * d, Math.sqrt(1 / d)),
    outBias: rng.uniformFloat32(d, -0.05, 0.05),
  };
}

function declareInterface(g: GraphBuilder, o: Options): string {
  g.output('y', 'float32', [o.batch, o.sequence, o.modelDim]);
  return g.input('x', 'float32', [o.batch, o.sequence, o.modelDim]);
}

export function buildReference(seed: number, options: AttentionBlockOptions = {}): Uint8Array {
  const o = attentionBlockOptionsSchema.parse(options);
  const w = weights(seed, o);
  const { batch, sequence: t, modelDim: d, heads: h } = o;
  const headDim = d / h;
  const g = new GraphBuilder('torch_attention_block');
  const x = declareInterface(g, o);
  const normed = g.op(
    'LayerNormalization',
    [x, g.initializer('ln.weight', 'float32', [d], w.gamma), g.initializer('ln.bias', 'float32', [d], w.beta)],
    {
      axis: attr.int(-1),
      epsilon: attr.float(o.epsilon),
    },
  );
  const qkv = g.op('Add', [
    g.op('MatMul', [normed, g.initializer('attn.qkv.weight_t', 'float32', [d, 3 * d], w.qkvWeight)]),
    g.initializer('attn.qkv.bias', 'float32', [3 * d], w.qkvBias),
  ]);
  const split = g.op('Transpose', [g.op('Reshape', [qkv, g.int64s('shape', [batch, t, 3, h, headDim])])], {
    perm: attr.ints([2, 0, 3, 1, 4]),
  });
  const [q, k, v] = [0, 1, 2].map((i) => g.op('Gather', [split, g.initializer('index', 'int64', [], [i])], { axis: attr.int(0) })); // [B, H, T, hd]
  const scores = g.op('Mul', [
    g.op('MatMul', [q, g.op('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) })]),
    g.scalar('scale', 1 / Math.sqrt(headDim)),
  ]);
  const mask = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) mask[i * t + j] = -Infinity;
  const probabilities = g.op('Softmax', [g.op('Add', [scores, g.initializer('causal_mask', 'float32', [t, t], mask)])], {
    axis: attr.int(-1),
  });
  const context = g.op('Reshape', [
    g.op('Transpose', [g.op('MatMul', [probabilities, v])], { perm: attr.ints([0, 2, 1, 3]) }),
    g.int64s('shape', [batch, t, d]),
  ]);
  const projected = g.op('Add', [
    g.op('MatMul', [context, g.initializer('attn.out.weight_t', 'float32', [d, d], w.outWeight)]),
    g.initializer('attn.out.bias', 'float32', [d], w.outBias),
  ]);
  g.op('Add', [x, projected], {}, { output: 'y' });
  return buildModelBytes(g, { docString: 'Pre-norm causal self-attention block as torch.onnx exports it.' });
}

/** Columns [part·D, (part+1)·D) of the fused [D, 3D] QKV weight: the [D, heads, head_dim] kernel of one projection. */
function projectionKernel(w: Weights, d: number, part: number): Float32Array {
  const kernel = new Float32Array(d * d);
  for (let row = 0; row < d; row++) kernel.set(w.qkvWeight.subarray(row * 3 * d + part * d, row * 3 * d + (part + 1) * d), row * d);
  return kernel;
}

export function buildKnownSolution(seed: number, options: AttentionBlockOptions = {}): Uint8Array {
  const o = attentionBlockOptionsSchema.parse(options);
  const w = weights(seed, o);
  const { sequence: t, modelDim: d, heads: h } = o;
  const headDim = d / h;
  const g = new GraphBuilder('flax_attention_block');
  const x = declareInterface(g, o);
  const lastAxis = { axes: attr.ints([-1]), keepdims: attr.int(1) };

  // flax.linen.LayerNorm, written out.
  const mean = g.op('ReduceMean', [x], lastAxis);
  const centred = g.op('Sub', [x, mean]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], lastAxis);
  const normalised = g.op('Div', [centred, g.op('Sqrt', [g.op('Add', [variance, g.scalar('epsilon', o.epsilon)])])]);
  const normed = g.op('Add', [
    g.op('Mul', [normalised, g.initializer('ln.scale', 'float32', [d], w.gamma)]),
    g.initializer('ln.bias', 'float32', [d], w.beta),
  ]);

  // DenseGeneral projections with [D, H, hd] kernels → [B, H, T, hd].
  const project = (part: number, name: string): string => {
    const kernel = g.initializer(`${name}.kernel`, 'float32', [d, h, headDim], projectionKernel(w, d, part));
    const bias = g.initializer(`${name}.bias`, 'float32', [h, 1, headDim], w.qkvBias.slice(part * d, (part + 1) * d));
    return g.op('Add', [g.op('Einsum', [normed, kernel], { equation: attr.string('btd,dhk->bhtk') }), bias]);
  };
  const query = g.op('Div', [project(0, 'query'), g.scalar('sqrt_depth', Math.sqrt(headDim))]);
  const key = project(1, 'key');
  const value = project(2, 'value');
  const logits = g.op('Einsum', [query, key], { equation: attr.string('bhqd,bhkd->bhqk') });
  const allowed: number[] = [];
  for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) allowed.push(j <= i ? 1 : 0);
  const masked = g.op('Where', [
    g.initializer('causal_mask', 'bool', [t, t], allowed),
    logits,
    g.scalar('big_neg', -3.4028234663852886e38),
  ]);
  const shifted = g.op('Sub', [masked, g.op('ReduceMax', [masked], lastAxis)]);
  const exponent = g.op('Exp', [shifted]);
  // ReduceSum takes its axes as an input from opset 13 on.
  const weightsSum = g.op('ReduceSum', [exponent, g.int64s('axes', [-1])], { keepdims: attr.int(1) });
  const probabilities = g.op('Div', [exponent, weightsSum]);
  const context = g.op('Einsum', [probabilities, value], { equation: attr.string('bhqk,bhkd->bqhd') });
  const outKernel = g.initializer('out.kernel', 'float32', [h, headDim, d], w.outWeight);
  const projected = g.op('Add', [
    g.op('Einsum', [context, outKernel], { equation: attr.string('bqhd,hdo->bqo') }),
    g.initializer('out.bias', 'float32', [d], w.outBias),
  ]);
  g.op('Add', [x, projected], {}, { output: 'y' });
  return buildModelBytes(g, { docString: 'The same block as a flax port exports it.' });
}
