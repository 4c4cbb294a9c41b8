import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project's root folder (package.json beside prisma/), from compiled or source files alike. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'prisma'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${from}`);
    dir = parent;
  }
  return dir;
}
