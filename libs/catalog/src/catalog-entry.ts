import type { CatalogChallenge } from './catalog-loader';
import type { ChallengeDefinition } from './definition';

/** A challenge as stored per version: the public definition, and the hidden material apart. */
export interface StoredChallenge {
  slug: string;
  kind: ChallengeDefinition['kind'];
  title: string;
  difficulty: string;
  points: number;
  dailyQuota: number;
  contentHash: string;
  /** Everything learners may see: brief, public spec, assets (name, sha256, size). */
  definition: Record<string, unknown>;
  /** Scoring only: hidden tests, the AI-written solution, the full spec (model sources). */
  hidden: Record<string, unknown>;
}

export function toStoredChallenge(challenge: CatalogChallenge): StoredChallenge {
  const { definition } = challenge;
  return {
    slug: definition.slug,
    kind: definition.kind,
    title: definition.title,
    difficulty: definition.difficulty,
    points: definition.points,
    dailyQuota: definition.dailyQuota,
    contentHash: challenge.contentHash,
    definition: {
      brief: definition.brief,
      spec: publicSpec(definition.spec),
      assets: challenge.assets.map(({ name, sha256, size }) => ({ name, sha256, size })),
    },
    hidden: { ...challenge.hidden, spec: definition.spec },
  };
}

/** What learners may see of a spec: not where the reference model is generated from, never the known solution. */
export function publicSpec(spec: ChallengeDefinition['spec']): Record<string, unknown> {
  if (spec.kind === 'OPTIMIZE_MODEL' || spec.kind === 'PORT_TO_JAX') {
    const { reference: _reference, knownSolution: _knownSolution, ...rest } = spec;
    return rest;
  }
  return { ...spec };
}
