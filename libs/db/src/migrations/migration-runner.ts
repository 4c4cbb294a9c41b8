import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { readMigrationFiles, type MigrationFile } from './migration-files';

/** The advisory lock Prisma's own `migrate deploy` takes, so the two never run at once. */
export const MIGRATION_LOCK_ID = 72707369;

export interface MigrationStatus {
  applied: string[];
  /** In the folder but not (successfully) applied. */
  pending: string[];
  /** Applied, but the file has changed since. */
  modified: string[];
  /** Recorded in the database but missing from the folder (the database is newer than this code). */
  unknown: string[];
  /** Started but never finished (a migration that manages its own transaction failed part-way). */
  failed: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** A row of `_prisma_migrations`, as far as status needs it. */
export interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

// Exactly the table Prisma's schema engine creates, so `prisma migrate deploy/status` can take over.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies prisma/migrations in order, keeping Prisma's `_prisma_migrations` table as Prisma does.
 * Differences from `prisma migrate deploy`, on purpose: a migration runs in one transaction
 * (PostgreSQL DDL is transactional), so when it fails nothing is half-applied and nothing needs
 * resolving by hand; and an applied migration whose file changed stops the run.
 * A script that manages its own transaction (Prisma writes `BEGIN; … COMMIT;` around enum
 * changes) or uses CONCURRENTLY runs as Prisma runs it: statement by statement, recorded as
 * failed if it breaks, which blocks later runs until someone resolves it.
 */
export async function migrate(databaseUrl: string, migrations: MigrationFile[] = readMigrationFiles()): Promise<string[]> {
  return withClient(databaseUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await client.query(CREATE_TABLE);
      const status = compareMigrations(migrations, await appliedRows(client));
      if (status.failed.length > 0) {
        throw new MigrationError(
          `migration ${status.failed.join(', ')} failed part-way earlier; repair the database by hand, then delete its row from "_prisma_migrations" (or run prisma migrate resolve)`,
        );
      }
      if (status.modified.length > 0) {
        throw new MigrationError(
          `migration ${status.modified.join(', ')} changed after it was applied; restore the file and add a new migration instead`,
        );
      }
      const pending = migrations.filter((migration) => status.pending.includes(migration.name));
      for (const migration of pending) await applyOne(client, migration);
      return pending.map((migration) => migration.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  });
}

/** What is applied, pending, modified or unknown; reads only. */
export async function migrationStatus(databaseUrl: string, migrations: MigrationFile[] = readMigrationFiles()): Promise<MigrationStatus> {
  return withClient(databaseUrl, async (client) => {
    const table = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
    const rows = table.rows[0].present ? await appliedRows(client) : [];
    return compareMigrations(migrations, rows);
  });
}

const OWN_TRANSACTION = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END)\s*;|\bCONCURRENTLY\b/im;

async function applyOne(client: Client, migration: MigrationFile): Promise<void> {
  if (OWN_TRANSACTION.test(migration.sql)) return applyWithoutTransaction(client, migration);
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
      id,
      migration.checksum,
      migration.name,
    ]);
    await client.query(migration.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
  }
}

export const APPLIED_MIGRATIONS_SQL = `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`;

async function applyWithoutTransaction(client: Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
    id,
    migration.checksum,
    migration.name,
  ]);
  try {
    await client.query(migration.sql);
  } catch (error) {
    const message = (error as Error).message;
    await client.query('ROLLBACK').catch(() => undefined); // leave any transaction the script opened
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
    throw new MigrationError(`migration ${migration.name} failed and may be partly applied (it manages its own transaction): ${message}`);
  }
  await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
}

async function appliedRows(client: Client): Promise<AppliedRow[]> {
  return (await client.query<AppliedRow>(APPLIED_MIGRATIONS_SQL)).rows;
}

export function compareMigrations(migrations: MigrationFile[], rows: AppliedRow[]): MigrationStatus {
  const done = new Map(
    rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]),
  );
  const local = new Set(migrations.map((migration) => migration.name));
  return {
    applied: migrations.filter((migration) => done.has(migration.name)).map((migration) => migration.name),
    pending: migrations.filter((migration) => !done.has(migration.name)).map((migration) => migration.name),
    modified: migrations
      .filter((migration) => done.has(migration.name) && done.get(migration.name)!.checksum !== migration.checksum)
      .map((m) => m.name),
    unknown: [...done.keys()].filter((name) => !local.has(name)),
    failed: rows.filter((row) => row.finished_at === null && row.rolled_back_at === null).map((row) => row.migration_name),
  };
}

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a dropped connection surfaces as the failing query's error
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
