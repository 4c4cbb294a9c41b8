import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { catalogLocation } from '../catalog-location';
import type { CatalogLocation } from '../catalog-loader';
import { challengeDefinitionSchema, type OptimizeSpec, type PortSpec } from '../definition';

/**
 * The challenges scored on a model (OPTIMIZE_MODEL, PORT_TO_JAX), read straight from their
 * challenge.json files. The model build cannot use loadCatalog: that loader insists on built
 * assets, and building them is this step's job. Briefs, assets and hidden material are the
 * loader's to check (at start and in the catalog tests).
 */

/** The built reference model, offered as an asset under this name. */
export const REFERENCE_MODEL_FILE = 'reference.onnx';
export const KNOWN_SOLUTION_FILE = 'known-solution.onnx';
/** Under the build folder; a slug cannot start with "_", so it never collides with a challenge. */
export const KNOWN_SOLUTIONS_FOLDER = '_known-solutions';

export type ModelSpec = OptimizeSpec | PortSpec;

export interface ModelChallenge {
  readonly slug: string;
  readonly spec: ModelSpec;
}

/** The project's catalog folders, from source (libs/catalog/src/models) and compiled (dist/…) files alike. */
export function projectCatalogLocation(from: string = __dirname): CatalogLocation {
  return catalogLocation(projectRoot(from));
}

/**
 * Every model-scored challenge, sorted by slug. A folder without challenge.json is skipped (it is
 * no challenge yet; the loader reports it); an invalid challenge.json fails the build.
 */
export function readModelChallenges(challengesDir: string = projectCatalogLocation().challengesDir): ModelChallenge[] {
  const challenges: ModelChallenge[] = [];
  const folders = readdirSync(challengesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const folder of folders) {
    const file = join(challengesDir, folder, 'challenge.json');
    if (!existsSync(file)) continue;
    const parsed = challengeDefinitionSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(`${folder}/challenge.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { slug, spec } = parsed.data;
    if (slug !== folder) throw new Error(`${folder}/challenge.json: slug "${slug}" must equal the folder name`);
    if (spec.kind === 'OPTIMIZE_MODEL' || spec.kind === 'PORT_TO_JAX') challenges.push({ slug, spec });
  }
  return challenges;
}
