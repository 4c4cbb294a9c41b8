import { z } from 'zod';
import { attr, buildModelBytes, GraphBuilder } from './onnx-graph';
import { SeededRandom } from './seeded-random';

/**
 * OPTIMIZE_MODEL — an MLP left behind by structured pruning.
 *
 * torch.nn.utils.prune (and most structured-pruning tools) zero whole units in place and leave
 * the layer sizes alone, so the exported model still multiplies by every zero. ONNX Runtime does
 * not look at weight values and computes them all. Three kinds of removable unit are planted in
 * each hidden layer, as pruning leaves them:
 * - dead: incoming weights all zero and bias ≤ 0, so ReLU outputs 0 for every input;
 * - constant: incoming weights all zero and bias > 0, so the unit always outputs relu(bias) — it
 *   can be removed once its contribution is folded into the next layer's bias;
 * - disconnected: alive, but every outgoing weight is zero, so nothing downstream sees it.
 * The known solution keeps only the live units (and folds the constants): the same function with
 * about a ninth of the multiply-adds.
 */

export const mlpDeadUnitsOptionsSchema = z
  .object({
    batch: z.number().int().min(1).max(1024).default(64),
    inputFeatures: z.number().int().min(1).max(4096).default(256),
    hiddenUnits: z.array(z.number().int().min(4).max(4096)).min(1).max(4).default([1024, 1024]),
    outputFeatures: z.number().int().min(1).max(4096).default(128),
    /** Share of each hidden layer that stays alive. */
    liveShare: z.number().gt(0).max(1).default(0.25),
    /** Of the removable units: share that is constant, and share that is disconnected (the rest is dead). */
    constantShare: z.number().min(0).max(0.5).default(0.1),
    disconnectedShare: z.number().min(0).max(0.5).default(0.15),
  })
  .strict();
export type MlpDeadUnitsOptions = z.input<typeof mlpDeadUnitsOptionsSchema>;
type Options = z.output<typeof mlpDeadUnitsOptionsSchema>;

type UnitRole = 'live' | 'dead' | 'constant' | 'disconnected';

/** One fully connected layer as PyTorch stores it: weight [out, in] (used with Gemm transB = 1). */
interface Layer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

interface PrunedMlp {
  readonly layers: Layer[];
  /** Per hidden layer, the role of each unit. */
  readonly roles: UnitRole[][];
}

function assignRoles(units: number, options: Options, rng: SeededRandom): UnitRole[] {
  const live = Math.max(1, Math.round(units * options.liveShare));
  const removable = units - live;
  const constant = Math.round(removable * options.constantShare);
  const disconnected = Math.round(removable * options.disconnectedShare);
  const roles: UnitRole[] = new Array<UnitRole>(units).fill('dead');
  // Pruning picks units all over the layer, not a contiguous block: shuffle where each role lands.
  const order = rng.permutation(units);
  order.slice(0, live).forEach((unit) => (roles[unit] = 'live'));
  order.slice(live, live + constant).forEach((unit) => (roles[unit] = 'constant'));
  order.slice(live + constant, live + constant + disconnected).forEach((unit) => (roles[unit] = 'disconnected'));
  return roles;
}

function prunedMlp(seed: number, options: Options): PrunedMlp {
  const rng = new SeededRandom(seed);
  const sizes = [options.inputFeatures, ...options.hiddenUnits, options.outputFeatures];
  const roles = options.hiddenUnits.map((units) => assignRoles(units, options, rng));
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inFeatures = sizes[l];
    const outFeatures = sizes[l + 1];
    // He initialisation keeps activations of a ReLU stack at a stable scale.
    const weight = rng.normalFloat32(outFeatures * inFeatures, Math.sqrt(2 / inFeatures));
    const bias = rng.uniformFloat32(outFeatures, -0.05, 0.05);
    const ownRoles = roles[l];
    if (ownRoles) {
      for (let unit = 0; unit < outFeatures; unit++) {
        const role = ownRoles[unit];
        if (role !== 'dead' && role !== 'constant') continue;
        weight.fill(0, unit * inFeatures, (unit + 1) * inFeatures);
        // Dead units: zero or negative bias (both occur after pruning); constant units: positive.
        bias[unit] = role === 'dead' ? (rng.next() < 0.5 ? 0 : -rng.uniform(0.01, 0.5)) : rng.uniform(0.05, 0.5);
      }
    }
    const inputRoles = roles[l - 1];
    if (inputRoles) {
      for (let unit = 0; unit < inFeatures; unit++) {
        if (inputRoles[unit] !== 'disconnected') continue;
        for (let out = 0; out < outFeatures; out++) weight[out * inFeatures + unit] = 0;
      }
    }
    layers.push({ inFeatures, outFeatures, weight, bias });
  }
  return { layers, roles };
}

function emit(layers: readonly Layer[], options: Options): Uint8Array {
  const g = new GraphBuilder('pruned_mlp');
  let x = g.input('features', 'float32', [options.batch, options.inputFeatures]);
  layers.forEach((layer, l) => {
    const last = l === layers.length - 1;
    const weight = g.initializer(`fc${l}.weight`, 'float32', [layer.outFeatures, layer.inFeatures], layer.weight);
    const bias = g.initializer(`fc${l}.bias`, 'float32', [layer.outFeatures], layer.bias);
    // Gemm with transB = 1 is exactly what torch.onnx.export writes for nn.Linear.
    const y = g.op('Gemm', [x, weight, bias], { transB: attr.int(1) }, last ? { output: 'scores' } : {});
    x = last ? y : g.op('Relu', [y]);
  });
  g.output('scores', 'float32', [options.batch, options.outputFeatures]);
  return buildModelBytes(g, { docString: 'MLP after structured pruning: zeroed units are still computed.' });
}

export function buildReference(seed: number, options: MlpDeadUnitsOptions = {}): Uint8Array {
  const parsed = mlpDeadUnitsOptionsSchema.parse(options);
  return emit(prunedMlp(seed, parsed).layers, parsed);
}

/**
 * Removes every dead, constant and disconnected unit. A constant unit j of layer l always adds
 * relu(bias_j) · W_{l+1}[:, j] to the next layer's pre-activation, so that product moves into
 * the next bias. The result computes the same function up to float32 rounding.
 */
export function buildKnownSolution(seed: number, options: MlpDeadUnitsOptions = {}): Uint8Array {
  const parsed = mlpDeadUnitsOptionsSchema.parse(options);
  const { layers, roles } = prunedMlp(seed, parsed);
  const kept = roles.map((layerRoles) => layerRoles.flatMap((role, unit) => (role === 'live' ? [unit] : [])));
  const compact: Layer[] = layers.map((layer, l) => {
    const inputs = kept[l - 1] ?? Array.from({ length: layer.inFeatures }, (_, i) => i);
    const outputs = kept[l] ?? Array.from({ length: layer.outFeatures }, (_, i) => i);
    const weight = new Float32Array(outputs.length * inputs.length);
    const bias = new Float32Array(outputs.length);
    outputs.forEach((out, o) => {
      inputs.forEach((input, i) => (weight[o * inputs.length + i] = layer.weight[out * layer.inFeatures + input]));
      // Fold the constant units of the previous layer (computed in float64, rounded once).
      let folded = layer.bias[out];
      const previousRoles = roles[l - 1] ?? [];
      previousRoles.forEach((role, unit) => {
        if (role === 'constant') folded += Math.max(0, layers[l - 1].bias[unit]) * layer.weight[out * layer.inFeatures + unit];
      });
      bias[o] = folded;
    });
    return { inFeatures: inputs.length, outFeatures: outputs.length, weight, bias };
  });
  return emit(compact, parsed);
}
