import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import {
  KNOWN_SOLUTION_FILE,
  KNOWN_SOLUTIONS_FOLDER,
  projectCatalogLocation,
  readModelChallenges,
  REFERENCE_MODEL_FILE,
} from './models/model-challenges';
import { buildModel } from './models/registry';

/**
 * `npm run catalog:build`: builds every model-scored challenge's reference model into
 * libs/catalog/build/<slug>/reference.onnx (where the catalog loader finds assets) and its known
 * solution, for tests only, into libs/catalog/build/_known-solutions/<slug>/known-solution.onnx.
 * Nothing is downloaded: models come from the catalog's generators or from installed npm
 * packages. The output is a pure function of the challenge definitions — the same bytes on every
 * run (see the printed sha256s and build/manifest.json), which matters because asset hashes are
 * part of a challenge's content hash — so the folder is wiped and rebuilt rather than updated.
 */

export interface BuiltModel {
  readonly slug: string;
  readonly role: 'reference' | 'known-solution';
  /** Path relative to the build folder, with "/" separators. */
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface CatalogBuildOptions {
  readonly challengesDir?: string;
  readonly buildDir?: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function buildCatalogModels(options: CatalogBuildOptions = {}): BuiltModel[] {
  const location = projectCatalogLocation();
  const buildDir = options.buildDir ?? location.buildDir;
  const challenges = readModelChallenges(options.challengesDir ?? location.challengesDir);
  // Build everything in memory first, so an error leaves the previous build in place.
  const files = challenges.flatMap(({ slug, spec }) => [
    { slug, role: 'reference' as const, path: join(slug, REFERENCE_MODEL_FILE), bytes: buildModel(spec.reference) },
    {
      slug,
      role: 'known-solution' as const,
      path: join(KNOWN_SOLUTIONS_FOLDER, slug, KNOWN_SOLUTION_FILE),
      bytes: buildModel(spec.knownSolution),
    },
  ]);
  rmSync(buildDir, { recursive: true, force: true });
  const built = files.map(({ slug, role, path, bytes }): BuiltModel => {
    const target = join(buildDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    return { slug, role, file: relative(buildDir, target).split(sep).join('/'), sha256: sha256(bytes), bytes: bytes.length };
  });
  writeFileSync(join(buildDir, 'manifest.json'), `${JSON.stringify({ models: built }, null, 2)}\n`);
  return built;
}

if (require.main === module) {
  const started = Date.now();
  const built = buildCatalogModels();
  for (const model of built) console.log(`${model.sha256}  ${String(model.bytes).padStart(9)}  ${model.file}`);
  console.log(`catalog: built ${built.length} models in ${Date.now() - started} ms`);
}
