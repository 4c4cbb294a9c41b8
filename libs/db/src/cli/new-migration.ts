import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadConfig, projectRoot } from '@app/config';
import { startScratchDatabase } from '../server/scratch-database';
import { defaultMigrationsDir } from '../migrations/migration-files';
import { diffMigrationsToSchema, MIGRATION_LOCK_TOML, readMigrationsFolder } from '../migrations/schema-engine';

/**
 * `npm run db:new-migration -- <name>`: writes prisma/migrations/<UTC YYYYMMDDHHMMSS>_<name>/migration.sql
 * with the SQL that takes "every migration applied" to prisma/schema.prisma, or says "no changes".
 * The migrations are replayed on SHADOW_DATABASE_URL, or on a throwaway embedded PostgreSQL.
 */
async function main(name: string | undefined): Promise<void> {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    process.stderr.write('usage: npm run db:new-migration -- <name>   (name: lowercase letters, digits, underscores)\n');
    process.exitCode = 64;
    return;
  }
  const root = projectRoot();
  const schemaPath = join(root, 'prisma', 'schema.prisma');
  const migrationsDir = defaultMigrationsDir();
  const folder = await readMigrationsFolder(migrationsDir);
  const timestamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const latest = folder.migrations.at(-1)?.name;
  if (latest !== undefined && latest.slice(0, 14) >= timestamp) {
    throw new Error(`latest migration ${latest} is not older than ${timestamp}: folder names are the apply order`);
  }
  const started = performance.now();
  const shadowUrl = loadConfig().shadowDatabaseUrl;
  const { url, stop } = shadowUrl
    ? { url: shadowUrl, stop: async () => undefined }
    : await startScratchDatabase({ prefix: 'proving-new-migration-', database: 'postgres' });
  let sql: string;
  try {
    sql = await diffMigrationsToSchema(url, folder, { schema: await readFile(schemaPath, 'utf8'), schemaPath: relative(root, schemaPath) });
  } finally {
    await stop();
  }
  const ms = Math.round(performance.now() - started);
  if (sql === '') {
    process.stdout.write(`no changes (${ms} ms)\n`);
    return;
  }
  const dir = join(migrationsDir, `${timestamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), sql);
  if (folder.lockfile === null) await writeFile(join(migrationsDir, 'migration_lock.toml'), MIGRATION_LOCK_TOML);
  process.stdout.write(`wrote ${relative(root, join(dir, 'migration.sql'))} (${ms} ms)\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`proving-ground: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
