import type { ChallengeRecord } from '@app/db';
import type { Challenge, ChallengeKindEnum, ModelChallengeSpec, ReportChallengeSpec, SessionChallengeSpec } from './challenge.model';

interface StoredDefinition {
  brief: string;
  spec: Record<string, unknown> & { kind: string };
  assets: Array<{ name: string; sha256: string; size: number }>;
}

/** The GraphQL view of a challenge version, from its stored public definition. */
export function toChallenge(record: ChallengeRecord): Challenge {
  const definition = record.definition as unknown as StoredDefinition;
  const spec = definition.spec;
  return {
    id: record.id,
    slug: record.slug,
    kind: record.kind as ChallengeKindEnum,
    title: record.title,
    brief: definition.brief,
    version: record.version,
    points: record.points,
    difficulty: record.difficulty,
    dailyQuota: record.dailyQuota,
    retired: record.retiredAt !== null,
    assets: definition.assets.map((asset) => ({ ...asset, url: `/challenges/${record.slug}/assets/${asset.name}` })),
    modelSpec: spec.kind === 'OPTIMIZE_MODEL' || spec.kind === 'PORT_TO_JAX' ? modelSpec(spec) : null,
    sessionSpec:
      spec.kind === 'AI_FREE_SESSION'
        ? (pick(spec, ['timeLimitMinutes', 'entryPoint', 'signature', 'examples']) as unknown as SessionChallengeSpec)
        : null,
    reportSpec:
      spec.kind === 'DOCUMENT_RESULTS'
        ? (pick(spec, ['documents', 'requiredSections', 'rubric', 'claimTolerance', 'maxReportBytes']) as unknown as ReportChallengeSpec)
        : null,
  };
}

function modelSpec(spec: Record<string, unknown>): ModelChallengeSpec {
  const parity = spec.parity as { metric: string; rtol?: number; atol?: number; minAgreement?: number };
  const session = spec.session as { graphOptimizationLevel: string; intraOpNumThreads: number; executionProviders: string[] };
  const tensors = (list: unknown) =>
    (list as Array<{ name: string; dtype: string; shape: Array<string | number> }>).map((t) => ({ ...t, shape: t.shape.map(String) }));
  return {
    deviceClass: spec.deviceClass as string,
    targetSpeedup: (spec.targetSpeedup as number | undefined) ?? null,
    inputs: tensors(spec.inputs),
    outputs: tensors(spec.outputs),
    parityMetric: parity.metric,
    rtol: parity.rtol ?? null,
    atol: parity.atol ?? null,
    minTop1Agreement: parity.minAgreement ?? null,
    parityBatches: spec.parityBatches as number,
    graphOptimizationLevel: session.graphOptimizationLevel,
    intraOpNumThreads: session.intraOpNumThreads,
    executionProviders: session.executionProviders,
    maxModelBytes: spec.maxModelBytes as number,
    reviewChecklist: (spec.reviewChecklist as string[] | undefined) ?? [],
  };
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, source[key]]));
}
