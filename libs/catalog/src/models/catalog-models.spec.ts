/**
 * @jest-environment ./libs/testing/src/onnxruntime-environment.ts
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { buildCatalogModels, sha256, type BuiltModel } from '../build-models';
import { loadCatalog, type CatalogChallenge } from '../catalog-loader';
import type { OptimizeSpec, PortSpec } from '../definition';
import {
  KNOWN_SOLUTION_FILE,
  KNOWN_SOLUTIONS_FOLDER,
  projectCatalogLocation,
  readModelChallenges,
  REFERENCE_MODEL_FILE,
  type ModelSpec,
} from './model-challenges';
import { checkParity, createSession, pairedTiming, randomFeeds, type Feeds, type ToleranceParity } from './measure';
import { buildTanhGeluPort, mlpLayerNormOptionsSchema } from './mlp-layernorm';
import { opTypeCounts, parseModel } from './onnx-graph';
import { buildModel, GENERATORS, generatorName, MODEL_FAMILIES } from './registry';
import { SeededRandom } from './seeded-random';

/**
 * The catalog's done-when: every challenge loads and validates, its models build from their
 * sources, every OPTIMIZE_MODEL challenge is solvable (its known solution matches the reference
 * and is measurably faster, timed the way the scorer times, interleaved in one run) and every
 * PORT_TO_JAX fixture is the same function written as a different graph. This is the one test
 * that measures time: it checks ratios with a wide margin, never absolute durations.
 */

const location = projectCatalogLocation();
const withModels = readModelChallenges(location.challengesDir);
const optimize = withModels.flatMap(({ slug, spec }) => (spec.kind === 'OPTIMIZE_MODEL' ? [{ slug, spec }] : []));
const ports = withModels.flatMap(({ slug, spec }) => (spec.kind === 'PORT_TO_JAX' ? [{ slug, spec }] : []));

const builtModels = new Map<string, { reference: Uint8Array; knownSolution: Uint8Array }>();
function modelsOf(slug: string, spec: ModelSpec): { reference: Uint8Array; knownSolution: Uint8Array } {
  let models = builtModels.get(slug);
  if (!models) {
    models = { reference: buildModel(spec.reference), knownSolution: buildModel(spec.knownSolution) };
    builtModels.set(slug, models);
  }
  return models;
}

function toleranceOf(spec: ModelSpec): ToleranceParity {
  if (spec.parity.metric !== 'tolerance') throw new Error('these challenges compare outputs with a tolerance');
  return spec.parity;
}

/** Inputs of the declared shapes from a seed of their own (the scorer draws them from the attempt's secret seed). */
function batches(spec: ModelSpec, count: number, seed: number): Feeds[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, () => randomFeeds(spec.inputs, rng));
}

const TIMING_ROUNDS = 30;
/** The done-when's floor for every OPTIMIZE_MODEL known solution. */
const MIN_KNOWN_SPEEDUP = 1.25;
const measured: string[] = [];

afterAll(() => {
  // Evidence for docs/catalog-models.md: the ratios this run measured.
  if (measured.length > 0)
    console.info(`catalog model measurements (1 thread, median of ${TIMING_ROUNDS} interleaved rounds):\n${measured.join('\n')}`);
});

describe('catalog challenges', () => {
  // The catalog loader checks what the server checks at start (definitions, briefs, assets);
  // it needs the built models, so they are built into a folder of the test's own first.
  let buildDir: string;
  let built: BuiltModel[];
  let catalog: CatalogChallenge[];
  beforeAll(() => {
    buildDir = mkdtempSync(join(tmpdir(), 'catalog-build-'));
    built = buildCatalogModels({ challengesDir: location.challengesDir, buildDir });
    catalog = loadCatalog({ challengesDir: location.challengesDir, buildDir });
  });
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it('catalog:build writes every reference beside its slug and known solutions apart, byte for byte the same on a second run', () => {
    expect(built.filter((m) => m.role === 'reference').map((m) => m.file)).toEqual(
      withModels.map(({ slug }) => `${slug}/${REFERENCE_MODEL_FILE}`),
    );
    expect(built.filter((m) => m.role === 'known-solution').map((m) => m.file)).toEqual(
      withModels.map(({ slug }) => `${KNOWN_SOLUTIONS_FOLDER}/${slug}/${KNOWN_SOLUTION_FILE}`),
    );
    for (const { slug } of withModels) expect(existsSync(join(buildDir, slug, KNOWN_SOLUTION_FILE))).toBe(false);
    const again = mkdtempSync(join(tmpdir(), 'catalog-build-'));
    try {
      buildCatalogModels({ challengesDir: location.challengesDir, buildDir: again });
      expect(readFileSync(join(again, 'manifest.json'), 'utf8')).toBe(readFileSync(join(buildDir, 'manifest.json'), 'utf8'));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('loads every challenge with a valid definition, a brief and its assets once the models are built', () => {
    expect(catalog.map((c) => c.definition.slug)).toEqual(expect.arrayContaining(withModels.map((c) => c.slug)));
  });

  it('holds at least three OPTIMIZE_MODEL and three PORT_TO_JAX challenges, one on a model published in an npm package', () => {
    expect(optimize.length).toBeGreaterThanOrEqual(3);
    expect(ports.length).toBeGreaterThanOrEqual(3);
    const published = optimize.filter(({ spec }) => spec.reference.from === 'package' || spec.knownSolution.from === 'package');
    expect(published.length).toBeGreaterThanOrEqual(1);
  });

  it.each(withModels.map((c) => [c.slug, c.spec] as const))(
    '%s offers its reference model as an asset, never its known solution, and names only registered generators',
    (slug, spec) => {
      const definition = catalog.find((c) => c.definition.slug === slug)?.definition;
      expect(definition?.assets).toContain(REFERENCE_MODEL_FILE);
      expect(definition?.assets).not.toContain(KNOWN_SOLUTION_FILE);
      expect(definition?.brief).not.toMatch(/known[- ]solution\.onnx/);
      for (const source of [spec.reference, spec.knownSolution]) {
        if (source.from === 'generator') expect(GENERATORS.has(source.generator)).toBe(true);
        else expect(source.notice).toContain(source.license);
      }
      // Hidden inputs are drawn for the declared shapes, so every dimension must be a number.
      expect(spec.inputs.every((input) => input.shape.every((d) => typeof d === 'number'))).toBe(true);
    },
  );
});

describe('model generators', () => {
  const floatInitializers = (bytes: Uint8Array): Map<string, Uint8Array> =>
    new Map(
      (parseModel(bytes).graph?.initializer ?? [])
        .filter((t) => t.dataType === 1 || t.dataType === 11)
        .filter((t) => t.dims.reduce((a, b) => a * b, 1n) >= 16n)
        .map((t) => [t.name, t.rawData]),
    );

  // Determinism does not depend on size: the big MLPs are shrunk here to keep the suite fast
  // (the catalog:build test repeats the full-size build and compares every sha256).
  const smallOptions: Record<string, Record<string, unknown>> = {
    'mlp-dead-units': { inputFeatures: 32, hiddenUnits: [64, 64], outputFeatures: 8 },
    'float64-mlp': { features: 32, hiddenUnits: [64, 64], outputs: 4 },
  };

  it.each(MODEL_FAMILIES.map((f) => [f.name, f] as const))(
    '%s builds identical bytes from the same seed and different weights from another seed',
    (name, family) => {
      const options = smallOptions[name] ?? {};
      for (const build of [family.reference, family.knownSolution]) {
        const first = build(7, options);
        expect(sha256(build(7, options))).toBe(sha256(first));
        if (!family.seeded) continue;
        const before = floatInitializers(first);
        const after = floatInitializers(build(8, options));
        expect([...after.keys()]).toEqual([...before.keys()]);
        const changed = [...before].filter(
          ([weight, raw]) => Buffer.compare(Buffer.from(raw), Buffer.from(after.get(weight) ?? new Uint8Array())) !== 0,
        );
        // Constants such as a causal mask stay; the weights drawn from the seed must all move.
        expect(changed.length).toBeGreaterThan(before.size / 2);
      }
    },
  );

  it('rejects options a generator does not know, naming the generator', () => {
    expect(() => GENERATORS.get(generatorName('mlp-dead-units', 'reference'))?.(1, { hiddenUnit: [8] })).toThrow(
      /mlp-dead-units.*hiddenUnit/,
    );
  });
});

/** The known solution's outputs against the reference's on the challenge's number of random batches, within its tolerance. */
async function expectParity(
  slug: string,
  spec: OptimizeSpec | PortSpec,
  reference: Parameters<typeof checkParity>[0],
  knownSolution: Parameters<typeof checkParity>[1],
): Promise<void> {
  const parity = await checkParity(
    reference,
    knownSolution,
    batches(spec, spec.parityBatches, 3),
    spec.outputs.map((o) => o.name),
    toleranceOf(spec),
  );
  measured.push(
    `${slug}: parity worst relative error ${parity.worstRelativeError.toExponential(2)}, worst |Δ| ${parity.worstMaxAbsoluteError.toExponential(2)}`,
  );
  expect(parity.passes).toBe(true);
}

describe.each(withModels)('$slug', ({ slug, spec }) => {
  it('builds a reference and a known solution that load in ONNX Runtime and run on inputs of the declared shapes', async () => {
    const { reference, knownSolution } = modelsOf(slug, spec);
    for (const model of [reference, knownSolution]) {
      const session = await createSession(model, spec.session);
      try {
        expect([...session.inputNames].sort()).toEqual(spec.inputs.map((i) => i.name).sort());
        const outputs = await session.run(batches(spec, 1, 1)[0]);
        for (const declared of spec.outputs) {
          expect(outputs[declared.name]?.dims).toEqual(declared.shape);
          expect(outputs[declared.name]?.type).toBe(declared.dtype);
        }
      } finally {
        await session.release();
      }
    }
  });
});

describe.each(optimize)('OPTIMIZE_MODEL $slug', ({ slug, spec }: { slug: string; spec: OptimizeSpec }) => {
  let reference: InferenceSession;
  let referenceAgain: InferenceSession;
  let knownSolution: InferenceSession;
  const timingInputs = batches(spec, 4, 2);

  beforeAll(async () => {
    const models = modelsOf(slug, spec);
    reference = await createSession(models.reference, spec.session);
    referenceAgain = await createSession(models.reference, spec.session);
    knownSolution = await createSession(models.knownSolution, spec.session);
  });
  afterAll(async () => {
    await Promise.all([reference, referenceAgain, knownSolution].map((s) => s?.release()));
  });

  it(`its known solution matches the reference within the challenge's tolerance on ${spec.parityBatches} random batches`, async () => {
    await expectParity(slug, spec, reference, knownSolution);
  });

  it(`its known solution is at least ${MIN_KNOWN_SPEEDUP}× faster than the reference and reaches the challenge's target, timed interleaved on one thread`, async () => {
    const timing = await pairedTiming(reference, knownSolution, timingInputs, { rounds: TIMING_ROUNDS, targetRoundMs: 10 });
    measured.push(
      `${slug}: known solution ${timing.medianRatio.toFixed(2)}× (reference ${timing.baselineMedianMs.toFixed(2)} ms, known ${timing.candidateMedianMs.toFixed(2)} ms, target ${spec.targetSpeedup})`,
    );
    expect(timing.medianRatio).toBeGreaterThanOrEqual(MIN_KNOWN_SPEEDUP);
    expect(timing.medianRatio).toBeGreaterThanOrEqual(spec.targetSpeedup);
  });

  it('the reference is not measured as faster than itself', async () => {
    const timing = await pairedTiming(reference, referenceAgain, timingInputs, { rounds: TIMING_ROUNDS, targetRoundMs: 10 });
    measured.push(`${slug}: reference vs itself ${timing.medianRatio.toFixed(3)}×`);
    expect(timing.medianRatio).toBeGreaterThanOrEqual(0.8);
    expect(timing.medianRatio).toBeLessThanOrEqual(1.2);
  });
});

describe.each(ports)('PORT_TO_JAX $slug', ({ slug, spec }: { slug: string; spec: PortSpec }) => {
  it(`its known solution matches the reference within the challenge's tolerance on ${spec.parityBatches} random batches`, async () => {
    const models = modelsOf(slug, spec);
    const [reference, knownSolution] = await Promise.all([
      createSession(models.reference, spec.session),
      createSession(models.knownSolution, spec.session),
    ]);
    try {
      await expectParity(slug, spec, reference, knownSolution);
    } finally {
      await Promise.all([reference.release(), knownSolution.release()]);
    }
  });

  it('its known solution is a different decomposition of the same function (other op types)', () => {
    const models = modelsOf(slug, spec);
    const referenceOps = new Set(opTypeCounts(parseModel(models.reference)).keys());
    const knownOps = new Set(opTypeCounts(parseModel(models.knownSolution)).keys());
    const onlyInReference = [...referenceOps].filter((op) => !knownOps.has(op));
    const onlyInKnown = [...knownOps].filter((op) => !referenceOps.has(op));
    expect(onlyInReference.length).toBeGreaterThan(0);
    expect(onlyInKnown.length).toBeGreaterThan(0);
  });
});

describe('parity tolerance of the JAX ports', () => {
  it('rejects a layer-norm MLP port that uses jax.nn.gelu with its default tanh approximation', async () => {
    const port = ports.find(
      ({ spec }) => spec.reference.from === 'generator' && spec.reference.generator === generatorName('mlp-layernorm', 'reference'),
    );
    if (!port || port.spec.knownSolution.from !== 'generator') throw new Error('the catalog needs its generated layer-norm MLP port');
    const { slug, spec } = port;
    const { seed, options } = port.spec.knownSolution;
    const [reference, wrongPort] = await Promise.all([
      createSession(modelsOf(slug, spec).reference, spec.session),
      createSession(buildTanhGeluPort(seed, mlpLayerNormOptionsSchema.parse(options)), spec.session),
    ]);
    try {
      const parity = await checkParity(
        reference,
        wrongPort,
        batches(spec, spec.parityBatches, 3),
        spec.outputs.map((o) => o.name),
        toleranceOf(spec),
      );
      expect(parity.passes).toBe(false);
    } finally {
      await Promise.all([reference.release(), wrongPort.release()]);
    }
  });
});
