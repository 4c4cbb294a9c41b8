import { z } from 'zod';
import { parseSessionExample } from './session-example';

/**
 * A challenge as it is written in the repo: libs/catalog/challenges/<slug>/challenge.json plus
 * brief.md beside it (and, per kind, the files named below). Validated at start; a changed
 * definition (by content hash) becomes a new version in the database.
 */
export const CHALLENGE_KINDS = ['OPTIMIZE_MODEL', 'PORT_TO_JAX', 'DOCUMENT_RESULTS', 'AI_FREE_SESSION'] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

export const DIFFICULTIES = ['INTRODUCTORY', 'INTERMEDIATE', 'ADVANCED'] as const;

const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,62})[a-z0-9]$/, 'slug: 3–64 lower-case letters, digits or "-"');
const assetName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'asset names: lower-case letters, digits, ".", "_", "-"');

export const tensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'float64', 'int64', 'int32', 'uint8', 'int8', 'bool']),
  /** Fixed sizes; a string is a symbolic dimension (e.g. "batch"). */
  shape: z.array(z.union([z.number().int().positive(), z.string().min(1)])),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

/** How ONNX Runtime sessions are created for timing and parity: the same for both models. */
export const sessionOptionsSchema = z.object({
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  intraOpNumThreads: z.number().int().min(1).max(64).default(1),
  executionProviders: z
    .array(z.enum(['cpu', 'cuda']))
    .min(1)
    .default(['cpu']),
});

export const paritySchema = z.discriminatedUnion('metric', [
  z.object({
    metric: z.literal('tolerance'),
    rtol: z.number().positive().max(0.5).default(1e-3),
    atol: z.number().nonnegative().default(1e-5),
    minElementShare: z.number().min(0.9).max(1).default(0.999),
  }),
  z.object({ metric: z.literal('top1'), output: z.string().min(1), minAgreement: z.number().min(0.5).max(1).default(0.99) }),
]);

/** Where a model comes from: built by the project's generator, or shipped by an npm package. */
export const modelSourceSchema = z.discriminatedUnion('from', [
  z.object({
    from: z.literal('generator'),
    generator: z.string().min(1),
    seed: z.number().int().nonnegative(),
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({
    from: z.literal('package'),
    package: z.string().min(1),
    path: z.string().min(1),
    license: z.string().min(1),
    notice: z.string().min(1),
  }),
]);

const modelChallengeSpec = {
  deviceClass: z.enum(['cpu', 'cuda']).default('cpu'),
  session: sessionOptionsSchema.default({ graphOptimizationLevel: 'all', intraOpNumThreads: 1, executionProviders: ['cpu'] }),
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
  reference: modelSourceSchema,
  parity: paritySchema,
  /** Hidden-input batches drawn per scoring (from the attempt's secret seed). */
  parityBatches: z.number().int().min(16).max(256).default(16),
  maxModelBytes: z
    .number()
    .int()
    .positive()
    .max(256 * 1024 * 1024)
    .default(256 * 1024 * 1024),
  allowLoops: z.boolean().default(false),
};

export const optimizeSpecSchema = z.object({
  kind: z.literal('OPTIMIZE_MODEL'),
  ...modelChallengeSpec,
  /** The speedup's lower 95% bound must reach this (DESIGN.md §4). */
  targetSpeedup: z.number().min(1).max(20).default(1.1),
  /** For tests only: where the known solution comes from (never served). */
  knownSolution: modelSourceSchema,
});

export const portSpecSchema = z.object({
  kind: z.literal('PORT_TO_JAX'),
  ...modelChallengeSpec,
  knownSolution: modelSourceSchema,
  /** What the mentor looks for in the source archive. */
  reviewChecklist: z.array(z.string().min(1)).min(1),
});

export const documentSpecSchema = z.object({
  kind: z.literal('DOCUMENT_RESULTS'),
  /** The kind of scored result the report must document (its evidence submission). */
  documents: z.enum(['OPTIMIZE_MODEL', 'PORT_TO_JAX', 'AI_FREE_SESSION']),
  requiredSections: z.array(z.string().min(1)).min(1),
  rubric: z
    .array(z.object({ criterion: z.string().min(1), description: z.string().min(1), maxScore: z.number().int().min(1).max(10) }))
    .min(1),
  /** A claim may exceed the measurement by at most this relative amount before it is flagged. */
  claimTolerance: z.number().min(0).max(0.5).default(0.05),
  maxReportBytes: z
    .number()
    .int()
    .positive()
    .max(200 * 1024)
    .default(200 * 1024),
});

export const sessionSpecSchema = z
  .object({
    kind: z.literal('AI_FREE_SESSION'),
    timeLimitMinutes: z.number().int().min(5).max(240),
    entryPoint: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/),
    signature: z.string().min(1),
    /**
     * Public examples shown with the brief, one call and its result each, in the format of
     * session-example.ts: `topK([3, 1, 3, 2], 2) → [0, 2]`, optionally ending in ` (±1e-8)` for an
     * approximate comparison. Arguments and result are JSON; every example must parse.
     */
    examples: z.array(z.string().min(1)).min(1),
    /** Per hidden test, enforced by sandboxes/code-runner (see its README for how each is measured). */
    limits: z.object({
      memoryBytes: z
        .number()
        .int()
        .positive()
        .max(1024 * 1024 * 1024)
        .default(64 * 1024 * 1024),
      /** QuickJS's WASM stack is 5 MiB: a larger limit could never trip (the runner refuses > 4 MiB). */
      stackBytes: z
        .number()
        .int()
        .positive()
        .max(4 * 1024 * 1024)
        .default(1024 * 1024),
      timeMsPerTest: z.number().int().positive().default(2_000),
      outputBytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024),
    }),
  })
  .superRefine((spec, context) => {
    spec.examples.forEach((example, index) => {
      try {
        parseSessionExample(example, spec.entryPoint);
      } catch (error) {
        context.addIssue({ code: 'custom', path: ['examples', index], message: `example ${index + 1}: ${(error as Error).message}` });
      }
    });
  });

export const challengeDefinitionSchema = z.object({
  slug,
  kind: z.enum(CHALLENGE_KINDS),
  title: z.string().min(3).max(120),
  difficulty: z.enum(DIFFICULTIES),
  points: z.number().positive().max(10_000),
  /** Submissions per learner per day (UTC); platform failures do not count. */
  dailyQuota: z.number().int().min(1).max(1_000).default(10),
  /** Files offered for download (names of files in the challenge folder or built models). */
  assets: z.array(assetName).default([]),
  spec: z.discriminatedUnion('kind', [optimizeSpecSchema, portSpecSchema, documentSpecSchema, sessionSpecSchema]),
});

export type ChallengeDefinition = z.infer<typeof challengeDefinitionSchema> & {
  /** brief.md, Markdown written for an ML engineer. */
  brief: string;
};
export type OptimizeSpec = z.infer<typeof optimizeSpecSchema>;
export type PortSpec = z.infer<typeof portSpecSchema>;
export type DocumentSpec = z.infer<typeof documentSpecSchema>;
export type SessionSpec = z.infer<typeof sessionSpecSchema>;
export type ModelSource = z.infer<typeof modelSourceSchema>;

/**
 * AI_FREE_SESSION challenges also hold, in their folder (never served, never in GraphQL):
 * - hidden-tests.json: HiddenTest[] — each calls the entry point with `args` and compares with `expected`
 * - solution.ai.js: the AI-written reference solution (side-by-side comparison)
 * - solution.wrong.js: a plausible but wrong solution (tests must catch it)
 */
export const hiddenTestSchema = z.object({
  /** Shown to the learner with the outcome: describe the case ("ties keep the lower index"), never its data. */
  name: z.string().min(1),
  /** JSON values; they reach the learner's function as a fresh copy per test. */
  args: z.array(z.unknown()),
  expected: z.unknown(),
  /**
   * How results compare: exact (deep equality; arrays by position, objects by key set) or approx,
   * the same except that numbers pass when |got − expected| ≤ tolerance · max(1, |expected|).
   */
  compare: z
    .discriminatedUnion('mode', [
      z.object({ mode: z.literal('exact') }),
      z.object({ mode: z.literal('approx'), tolerance: z.number().positive() }),
    ])
    .default({ mode: 'exact' }),
});
export type HiddenTest = z.infer<typeof hiddenTestSchema>;
