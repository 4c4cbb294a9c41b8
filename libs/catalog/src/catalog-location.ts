import { join } from 'node:path';
import type { CatalogLocation } from './catalog-loader';

/** The catalog inside a project checkout (source and compiled code alike resolve to the same folders). */
export function catalogLocation(projectRoot: string): CatalogLocation {
  return { challengesDir: join(projectRoot, 'libs', 'catalog', 'challenges'), buildDir: join(projectRoot, 'libs', 'catalog', 'build') };
}
