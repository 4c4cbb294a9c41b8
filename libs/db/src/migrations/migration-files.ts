import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/config';

/** One folder of prisma/migrations: `<YYYYMMDDHHMMSS>_<name>/migration.sql`. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+$/;

/**
 * Prisma's checksum: sha256 (hex) of the script with CRLF line endings normalised to LF, so a
 * checkout with Windows line endings does not look modified.
 */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex');
}

export function defaultMigrationsDir(): string {
  return join(projectRoot(), 'prisma', 'migrations');
}

/** Migrations in the order they apply (their names start with a UTC timestamp). */
export function readMigrationFiles(migrationsDir: string = defaultMigrationsDir()): MigrationFile[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      if (!MIGRATION_NAME.test(name)) throw new Error(`migration folder "${name}" is not named <YYYYMMDDHHMMSS>_<lowercase_name>`);
      const sql = readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    });
}
