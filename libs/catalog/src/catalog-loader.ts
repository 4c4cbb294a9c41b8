import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '@app/domain';
import { challengeDefinitionSchema, hiddenTestSchema, type ChallengeDefinition, type HiddenTest } from './definition';

export interface CatalogAsset {
  name: string;
  /** Where the bytes are: the challenge folder, or the build folder for generated models. */
  path: string;
  sha256: string;
  size: number;
}

/** What never leaves the server: used by scoring and tests only. */
export interface HiddenMaterial {
  tests?: HiddenTest[];
  /** The AI-written reference solution (AI_FREE_SESSION), for the side-by-side comparison. */
  aiSolution?: string;
}

export interface CatalogChallenge {
  definition: ChallengeDefinition;
  assets: CatalogAsset[];
  hidden: HiddenMaterial;
  /** sha256 over the definition, brief, asset hashes and hidden material: a change is a new version. */
  contentHash: string;
}

export interface CatalogLocation {
  /** libs/catalog/challenges: one folder per challenge. */
  challengesDir: string;
  /** libs/catalog/build: models built by `npm run catalog:build`, one folder per challenge. */
  buildDir: string;
}

/** Every problem found while loading, one line each. */
export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`the challenge catalog is invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'CatalogError';
  }
}

/**
 * Loads and validates every challenge folder. Collects all problems before failing, so one run
 * shows everything to fix.
 * @throws CatalogError
 */
export function loadCatalog(location: CatalogLocation): CatalogChallenge[] {
  const problems: string[] = [];
  const challenges: CatalogChallenge[] = [];
  const folders = readdirSync(location.challengesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const folder of folders) {
    try {
      challenges.push(loadChallenge(location, folder));
    } catch (error) {
      problems.push(`${folder}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new CatalogError(problems);
  return challenges;
}

function loadChallenge(location: CatalogLocation, folder: string): CatalogChallenge {
  const dir = join(location.challengesDir, folder);
  const raw = JSON.parse(readFileSync(join(dir, 'challenge.json'), 'utf8')) as unknown;
  const parsed = challengeDefinitionSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'challenge.json'}: ${issue.message}`).join('; '));
  }
  const spec = parsed.data;
  if (spec.slug !== folder) throw new Error(`slug "${spec.slug}" must equal the folder name`);
  if (spec.kind !== spec.spec.kind) throw new Error(`kind ${spec.kind} but spec.kind ${spec.spec.kind}`);
  const brief = readFileSync(join(dir, 'brief.md'), 'utf8');
  if (brief.trim().length < 200)
    throw new Error('brief.md must explain the task, how it is judged and how to approach it (≥ 200 characters)');

  const assets = spec.assets.map((name) => {
    const path = [join(dir, name), join(location.buildDir, folder, name)].find((candidate) => existsSync(candidate));
    if (!path) throw new Error(`asset ${name} is neither in the folder nor built (run npm run catalog:build)`);
    const bytes = readFileSync(path);
    return { name, path, sha256: createHash('sha256').update(bytes).digest('hex'), size: statSync(path).size };
  });

  const hidden: HiddenMaterial = {};
  if (spec.kind === 'AI_FREE_SESSION') {
    const tests = JSON.parse(readFileSync(join(dir, 'hidden-tests.json'), 'utf8')) as unknown;
    const parsedTests = hiddenTestSchema.array().min(1).safeParse(tests);
    if (!parsedTests.success) throw new Error(`hidden-tests.json: ${parsedTests.error.issues[0]!.message}`);
    hidden.tests = parsedTests.data;
    hidden.aiSolution = readFileSync(join(dir, 'solution.ai.js'), 'utf8');
  }

  const definition: ChallengeDefinition = { ...spec, brief };
  const contentHash = createHash('sha256')
    .update(canonicalJson({ definition, assets: assets.map(({ name, sha256 }) => ({ name, sha256 })), hidden }))
    .digest('hex');
  return { definition, assets, hidden, contentHash };
}

/** Moved to libs/domain (certificates sign the same canonical form); re-exported for the catalog's users. */
export { canonicalJson };
