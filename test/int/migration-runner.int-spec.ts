import {
  compareMigrations,
  migrate,
  migrationChecksum,
  MigrationError,
  migrationStatus,
  readMigrationFiles,
  type MigrationFile,
} from '@app/db';
import { createTestDatabase, withClient, type TestDatabase } from '@app/testing';

const file = (name: string, sql: string): MigrationFile => ({ name, sql, checksum: migrationChecksum(sql) });

describe('the migration runner', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase({ empty: true });
  });

  afterEach(async () => {
    await database.drop();
  });

  const rows = () =>
    withClient(database.url, async (client) => (await client.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).rows);

  it("applies the project's migrations into Prisma's own table, then has nothing left to do", async () => {
    const project = readMigrationFiles();
    expect(await migrate(database.url)).toEqual(project.map((m) => m.name));
    const recorded = await rows();
    expect(recorded).toHaveLength(project.length);
    expect(recorded[0]).toMatchObject({
      migration_name: project[0]!.name,
      checksum: project[0]!.checksum,
      applied_steps_count: 1,
      rolled_back_at: null,
      logs: null,
    });
    expect(recorded[0].finished_at).toBeInstanceOf(Date);
    expect(recorded[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await migrate(database.url)).toEqual([]);
    expect(await migrationStatus(database.url)).toEqual({
      applied: project.map((m) => m.name),
      pending: [],
      modified: [],
      unknown: [],
      failed: [],
    });
  });

  it('lets two runners start at once: the advisory lock makes the second wait and find nothing to do', async () => {
    const migrations = [
      file('20260101000000_a', 'CREATE TABLE a (id int); SELECT pg_sleep(0.3);'),
      file('20260101000001_b', 'CREATE TABLE b (id int);'),
    ];
    const [first, second] = await Promise.all([migrate(database.url, migrations), migrate(database.url, migrations)]);
    expect([...first, ...second].sort()).toEqual(['20260101000000_a', '20260101000001_b']);
    expect(await rows()).toHaveLength(2);
  });

  it('rolls a failing migration back completely and records nothing, so a fixed file applies cleanly', async () => {
    const good = file('20260101000000_good', 'CREATE TABLE kept (id int);');
    const bad = file('20260101000001_bad', 'CREATE TABLE half (id int); INSERT INTO nowhere VALUES (1);');
    await expect(migrate(database.url, [good, bad])).rejects.toThrow(
      new MigrationError('migration 20260101000001_bad failed and was rolled back: relation "nowhere" does not exist'),
    );
    const tables = await withClient(
      database.url,
      async (client) => (await client.query(`SELECT to_regclass('half') AS half, to_regclass('kept') AS kept`)).rows[0],
    );
    expect(tables).toEqual({ half: null, kept: 'kept' });
    expect((await rows()).map((row) => row.migration_name)).toEqual(['20260101000000_good']);

    const fixed = file('20260101000001_bad', 'CREATE TABLE half (id int);');
    expect(await migrate(database.url, [good, fixed])).toEqual(['20260101000001_bad']);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    await migrate(database.url, [file('20260101000000_a', 'CREATE TABLE a (id int);')]);
    await expect(migrate(database.url, [file('20260101000000_a', 'CREATE TABLE a (id bigint);')])).rejects.toThrow(
      'migration 20260101000000_a changed after it was applied; restore the file and add a new migration instead',
    );
  });

  it('runs a script with its own BEGIN/COMMIT as Prisma does, and blocks later runs after it fails part-way', async () => {
    const enumChange = file(
      '20260101000000_enum',
      "CREATE TYPE mood AS ENUM ('ok');\nBEGIN;\nALTER TYPE mood ADD VALUE 'great';\nCOMMIT;\n",
    );
    expect(await migrate(database.url, [enumChange])).toEqual(['20260101000000_enum']);

    const broken = file('20260101000001_broken', 'CREATE TABLE first_half (id int);\nBEGIN;\nINSERT INTO nowhere VALUES (1);\nCOMMIT;\n');
    await expect(migrate(database.url, [enumChange, broken])).rejects.toThrow(/failed and may be partly applied/);
    const status = await migrationStatus(database.url, [enumChange, broken]);
    expect(status).toMatchObject({ pending: ['20260101000001_broken'], failed: ['20260101000001_broken'] });
    await expect(migrate(database.url, [enumChange, broken])).rejects.toThrow(/failed part-way earlier; repair the database by hand/);
  });

  it('reports migrations the database has but this build does not know', () => {
    const status = compareMigrations(
      [file('20260101000000_a', 'x')],
      [
        { migration_name: '20260101000000_a', checksum: migrationChecksum('x'), finished_at: new Date(), rolled_back_at: null },
        { migration_name: '20270101000000_newer', checksum: 'c', finished_at: new Date(), rolled_back_at: null },
      ],
    );
    expect(status).toEqual({ applied: ['20260101000000_a'], pending: [], modified: [], unknown: ['20270101000000_newer'], failed: [] });
  });
});
