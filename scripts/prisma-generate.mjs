#!/usr/bin/env node
// Runs `prisma generate` offline. The Prisma CLI insists on locating a native schema engine
// before it generates anything, and that engine is downloaded at install time — which cannot
// happen here (no network but the npm registry). Generation itself never calls the engine, so
// an executable placeholder is enough. Migrations do not use the CLI at all: see libs/db.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cacheDir = join(root, 'node_modules', '.cache', 'proving-ground');
const placeholder = join(cacheDir, 'schema-engine-placeholder');
mkdirSync(cacheDir, { recursive: true });
writeFileSync(
  placeholder,
  '#!/bin/sh\necho "the native Prisma schema engine is not installed here; migrations run through libs/db" >&2\nexit 1\n',
);
chmodSync(placeholder, 0o755);

const result = spawnSync(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);
