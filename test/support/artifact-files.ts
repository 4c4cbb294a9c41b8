import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`, recursively (a local artifact store's objects and its temp files). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(dir, name)).isFile());
}

/** The stored artifacts of a local store: files named by a sha256. */
export const storedObjectsIn = (storeDir: string): string[] => filesUnder(storeDir).filter((name) => /[0-9a-f]{64}$/.test(name));

/** Anything else in a local store: temporary `.part` files an upload left behind. */
export const leftoversIn = (storeDir: string): string[] => filesUnder(storeDir).filter((name) => !/[0-9a-f]{64}$/.test(name));
