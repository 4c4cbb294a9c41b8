import { z } from 'zod';
import { attr, buildModelBytes, GraphBuilder } from './onnx-graph';
import { SeededRandom } from './seeded-random';

/**
 * PORT_TO_JAX — a small image classifier: two blocks of 3×3 conv → batch norm (inference) →
 * ReLU → 2×2 max pool, then global average pooling and a linear classifier.
 *
 * The reference is written as torch.onnx exports it in eval mode (NCHW: Conv, BatchNormalization,
 * Relu, MaxPool, GlobalAveragePool, Flatten, Gemm). The known solution is the same function the
 * way a flax port exports: the image moves to NHWC once, every convolution and pooling is
 * wrapped in Transposes (ONNX Conv and MaxPool are NCHW only), batch norm is written out as
 * (x − mean) · scale / sqrt(var + ε) + bias, ReLU is Max(x, 0), global pooling is a ReduceMean
 * over H and W, and the classifier is MatMul + Add.
 */

export const smallCnnOptionsSchema = z
  .object({
    batch: z.number().int().min(1).max(256).default(4),
    imageChannels: z.number().int().min(1).max(16).default(3),
    /** Spatial size; must survive one 2×2 pooling per block. */
    size: z.number().int().min(4).max(512).default(32),
    channels: z.array(z.number().int().min(1).max(256)).min(1).max(4).default([16, 32]),
    classes: z.number().int().min(2).max(1000).default(10),
    epsilon: z.number().positive().max(0.1).default(1e-5),
  })
  .strict()
  .refine((o) => o.size % 2 ** o.channels.length === 0, 'size must be divisible by 2 per block');
export type SmallCnnOptions = z.input<typeof smallCnnOptionsSchema>;
type Options = z.output<typeof smallCnnOptionsSchema>;

interface Block {
  readonly inChannels: number;
  readonly outChannels: number;
  /** [C_out, C_in, 3, 3] — the OIHW layout both exports hand to ONNX Conv. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly bnScale: Float32Array;
  readonly bnBias: Float32Array;
  readonly bnMean: Float32Array;
  readonly bnVariance: Float32Array;
}

interface Network {
  readonly blocks: Block[];
  /** [classes, C_last] as PyTorch stores nn.Linear. */
  readonly fcWeight: Float32Array;
  readonly fcBias: Float32Array;
}

function network(seed: number, o: Options): Network {
  const rng = new SeededRandom(seed);
  const channels = [o.imageChannels, ...o.channels];
  const blocks = channels.slice(1).map((outChannels, b) => {
    const inChannels = channels[b];
    return {
      inChannels,
      outChannels,
      weight: rng.normalFloat32(outChannels * inChannels * 9, Math.sqrt(2 / (inChannels * 9))),
      bias: rng.uniformFloat32(outChannels, -0.05, 0.05),
      // Running statistics of a trained network are not 0/1: make them matter.
      bnScale: rng.uniformFloat32(outChannels, 0.5, 1.5),
      bnBias: rng.uniformFloat32(outChannels, -0.2, 0.2),
      bnMean: rng.uniformFloat32(outChannels, -0.3, 0.3),
      bnVariance: rng.uniformFloat32(outChannels, 0.3, 2),
    };
  });
  const last = channels[channels.length - 1];
  return { blocks, fcWeight: rng.normalFloat32(o.classes * last, Math.sqrt(1 / last)), fcBias: rng.uniformFloat32(o.classes, -0.05, 0.05) };
}

function declareInterface(g: GraphBuilder, o: Options): string {
  g.output('logits', 'float32', [o.batch, o.classes]);
  return g.input('image', 'float32', [o.batch, o.imageChannels, o.size, o.size]);
}

const CONV = { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) };
const POOL = { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) };

export function buildReference(seed: number, options: SmallCnnOptions = {}): Uint8Array {
  const o = smallCnnOptionsSchema.parse(options);
  const net = network(seed, o);
  const g = new GraphBuilder('torch_small_cnn');
  let x = declareInterface(g, o);
  net.blocks.forEach((b, i) => {
    const conv = g.op(
      'Conv',
      [
        x,
        g.initializer(`conv${i}.weight`, 'float32', [b.outChannels, b.inChannels, 3, 3], b.weight),
        g.initializer(`conv${i}.bias`, 'float32', [b.outChannels], b.bias),
      ],
      CONV,
    );
    const vector = (name: string, values: Float32Array): string => g.initializer(`bn${i}.${name}`, 'float32', [b.outChannels], values);
    const bn = g.op(
      'BatchNormalization',
      [conv, vector('weight', b.bnScale), vector('bias', b.bnBias), vector('running_mean', b.bnMean), vector('running_var', b.bnVariance)],
      {
        epsilon: attr.float(o.epsilon),
      },
    );
    x = g.op('MaxPool', [g.op('Relu', [bn])], POOL);
  });
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: attr.int(1) });
  const last = net.blocks[net.blocks.length - 1].outChannels;
  g.op(
    'Gemm',
    [
      pooled,
      g.initializer('fc.weight', 'float32', [o.classes, last], net.fcWeight),
      g.initializer('fc.bias', 'float32', [o.classes], net.fcBias),
    ],
    { transB: attr.int(1) },
    { output: 'logits' },
  );
  return buildModelBytes(g, { docString: 'Small CNN classifier as torch.onnx exports it in eval mode.' });
}

export function buildKnownSolution(seed: number, options: SmallCnnOptions = {}): Uint8Array {
  const o = smallCnnOptionsSchema.parse(options);
  const net = network(seed, o);
  const g = new GraphBuilder('flax_small_cnn');
  const image = declareInterface(g, o);
  const toNchw = { perm: attr.ints([0, 3, 1, 2]) };
  const toNhwc = { perm: attr.ints([0, 2, 3, 1]) };
  let x = g.op('Transpose', [image], toNhwc);
  net.blocks.forEach((b, i) => {
    const conv = g.op(
      'Conv',
      [g.op('Transpose', [x], toNchw), g.initializer(`conv${i}.kernel_oihw`, 'float32', [b.outChannels, b.inChannels, 3, 3], b.weight)],
      CONV,
    );
    const vector = (name: string, values: Float32Array): string => g.initializer(`block${i}.${name}`, 'float32', [b.outChannels], values);
    // flax Conv adds its bias after the (NHWC) convolution; BatchNorm follows, written out.
    const features = g.op('Add', [g.op('Transpose', [conv], toNhwc), vector('conv_bias', b.bias)]);
    const inverseStd = g.op('Div', [
      vector('bn_scale', b.bnScale),
      g.op('Sqrt', [g.op('Add', [vector('bn_var', b.bnVariance), g.scalar('epsilon', o.epsilon)])]),
    ]);
    const normalised = g.op('Add', [
      g.op('Mul', [g.op('Sub', [features, vector('bn_mean', b.bnMean)]), inverseStd]),
      vector('bn_bias', b.bnBias),
    ]);
    const activated = g.op('Max', [normalised, g.scalar('zero', 0)]);
    x = g.op('Transpose', [g.op('MaxPool', [g.op('Transpose', [activated], toNchw)], POOL)], toNhwc);
  });
  const pooled = g.op('ReduceMean', [x], { axes: attr.ints([1, 2]), keepdims: attr.int(0) });
  const last = net.blocks[net.blocks.length - 1].outChannels;
  // flax Dense kernels are [in, out]: the PyTorch [out, in] weight transposed.
  const kernel = new Float32Array(last * o.classes);
  for (let c = 0; c < o.classes; c++) for (let f = 0; f < last; f++) kernel[f * o.classes + c] = net.fcWeight[c * last + f];
  const logits = g.op('MatMul', [pooled, g.initializer('dense.kernel', 'float32', [last, o.classes], kernel)]);
  g.op('Add', [logits, g.initializer('dense.bias', 'float32', [o.classes], net.fcBias)], {}, { output: 'logits' });
  return buildModelBytes(g, { docString: 'The same classifier as a flax port exports it (NHWC).' });
}
