import { z } from 'zod';
import { attr, buildModelBytes, GraphBuilder } from './onnx-graph';
import { SeededRandom } from './seeded-random';

/**
 * OPTIMIZE_MODEL — a small residual denoising CNN whose middle 3×3 convolutions are written as
 * im2col + matrix multiply: `W.view(C_out, -1) @ F.unfold(x, 3, padding=1)`, the way research
 * code writes custom or locally varying convolutions (the stem and head stay nn.Conv2d).
 * torch.onnx exports `F.unfold` as Pad → Gather (rows) → Gather (columns) → Transpose → Reshape,
 * so each such layer materialises a 9× larger column tensor through two gathers before one MatMul. ONNX Runtime has no rule that
 * recognises the pattern; its own Conv kernel (NCHWc blocked, bias and ReLU fused) never builds
 * that tensor. The known solution is the same network with Conv nodes, whose weights are the
 * MatMul weights reshaped to [C_out, C_in, 3, 3] (unfold orders columns as channel, row, column).
 */

export const convUnfoldOptionsSchema = z
  .object({
    batch: z.number().int().min(1).max(64).default(1),
    height: z.number().int().min(4).max(512).default(64),
    width: z.number().int().min(4).max(512).default(64),
    imageChannels: z.number().int().min(1).max(16).default(3),
    /** Channels of the hidden feature maps; one 3×3 convolution between each pair. */
    hiddenChannels: z.array(z.number().int().min(1).max(256)).min(1).max(8).default([16, 16, 16]),
    /** Only the layers between the first and the last use unfold (the stem and head are plain Conv). */
    unfoldInnerLayersOnly: z.boolean().default(true),
  })
  .strict();
export type ConvUnfoldOptions = z.input<typeof convUnfoldOptionsSchema>;
type Options = z.output<typeof convUnfoldOptionsSchema>;

const KERNEL = 3;

interface ConvLayer {
  readonly inChannels: number;
  readonly outChannels: number;
  /** [C_out, C_in, 3, 3] row-major — identical bytes to unfold's [C_out, C_in·9] matrix. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
}

function layers(seed: number, options: Options): ConvLayer[] {
  const rng = new SeededRandom(seed);
  const channels = [options.imageChannels, ...options.hiddenChannels, options.imageChannels];
  return channels.slice(1).map((outChannels, l) => {
    const inChannels = channels[l];
    const last = l === channels.length - 2;
    // He initialisation; the last layer predicts a small residual, so it starts smaller.
    const std = Math.sqrt(2 / (inChannels * KERNEL * KERNEL)) * (last ? 0.1 : 1);
    return {
      inChannels,
      outChannels,
      weight: rng.normalFloat32(outChannels * inChannels * KERNEL * KERNEL, std),
      bias: rng.uniformFloat32(outChannels, -0.05, 0.05),
      relu: !last,
    };
  });
}

function declareInterface(g: GraphBuilder, options: Options): string {
  const shape = [options.batch, options.imageChannels, options.height, options.width];
  g.output('denoised', 'float32', shape);
  return g.input('noisy', 'float32', shape);
}

/** Gather indices for one spatial axis: row k holds the padded positions k, k+1, … k+size−1. */
function blockIndices(size: number): number[] {
  const indices: number[] = [];
  for (let k = 0; k < KERNEL; k++) for (let position = 0; position < size; position++) indices.push(k + position);
  return indices;
}

function convLayer(g: GraphBuilder, x: string, l: number, layer: ConvLayer): string {
  const weight = g.initializer(`conv${l}.weight`, 'float32', [layer.outChannels, layer.inChannels, KERNEL, KERNEL], layer.weight);
  const bias = g.initializer(`conv${l}.bias`, 'float32', [layer.outChannels], layer.bias);
  const conv = g.op('Conv', [x, weight, bias], { kernel_shape: attr.ints([KERNEL, KERNEL]), pads: attr.ints([1, 1, 1, 1]) });
  return layer.relu ? g.op('Relu', [conv]) : conv;
}

export function buildReference(seed: number, options: ConvUnfoldOptions = {}): Uint8Array {
  const parsed = convUnfoldOptionsSchema.parse(options);
  const { batch, height, width } = parsed;
  const g = new GraphBuilder('unfold_matmul_denoiser');
  const input = declareInterface(g, parsed);
  // torch.onnx folds the index computations into constants when shapes are static; they are shared.
  const rowIndices = g.initializer('unfold.row_indices', 'int64', [KERNEL, height], blockIndices(height));
  const columnIndices = g.initializer('unfold.column_indices', 'int64', [KERNEL, width], blockIndices(width));
  const pads = g.int64s('unfold.pads', [0, 0, 1, 1, 0, 0, 1, 1]);
  let x = input;
  const all = layers(seed, parsed);
  for (const [l, layer] of all.entries()) {
    if (parsed.unfoldInnerLayersOnly && (l === 0 || l === all.length - 1)) {
      x = convLayer(g, x, l, layer);
      continue;
    }
    const padded = g.op('Pad', [x, pads], { mode: attr.string('constant') });
    const rows = g.op('Gather', [padded, rowIndices], { axis: attr.int(2) }); // [N, C, 3, H, W+2]
    const blocks = g.op('Gather', [rows, columnIndices], { axis: attr.int(4) }); // [N, C, 3, H, 3, W]
    const ordered = g.op('Transpose', [blocks], { perm: attr.ints([0, 1, 2, 4, 3, 5]) }); // [N, C, 3, 3, H, W]
    const columns = g.op('Reshape', [ordered, g.int64s('unfold.shape', [batch, layer.inChannels * KERNEL * KERNEL, height * width])]);
    const weight = g.initializer(`conv${l}.weight_2d`, 'float32', [layer.outChannels, layer.inChannels * KERNEL * KERNEL], layer.weight);
    const product = g.op('MatMul', [weight, columns]); // [N, C_out, H·W]
    const biased = g.op('Add', [product, g.initializer(`conv${l}.bias`, 'float32', [1, layer.outChannels, 1], layer.bias)]);
    const image = g.op('Reshape', [biased, g.int64s('fold.shape', [batch, layer.outChannels, height, width])]);
    x = layer.relu ? g.op('Relu', [image]) : image;
  }
  g.op('Add', [input, x], {}, { output: 'denoised' });
  return buildModelBytes(g, {
    docString: 'Residual denoiser whose middle 3x3 convolutions are F.unfold + matmul, as torch.onnx exports them.',
  });
}

export function buildKnownSolution(seed: number, options: ConvUnfoldOptions = {}): Uint8Array {
  const parsed = convUnfoldOptionsSchema.parse(options);
  const g = new GraphBuilder('conv_denoiser');
  const input = declareInterface(g, parsed);
  let x = input;
  for (const [l, layer] of layers(seed, parsed).entries()) x = convLayer(g, x, l, layer);
  g.op('Add', [input, x], {}, { output: 'denoised' });
  return buildModelBytes(g);
}
