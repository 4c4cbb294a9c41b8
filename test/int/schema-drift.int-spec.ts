import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { diffDatabaseToSchema, diffMigrationsToSchema, readMigrationsFolder } from '../../libs/db/src/migrations/schema-engine';
import { createTestDatabase, testClusterUrl, withClient, type TestDatabase } from '@app/testing';

/**
 * schema.prisma is what the code believes; the migrations are what the database gets. Prisma's
 * own schema engine (WASM) compares the two: any difference in tables, columns, types,
 * nullability, defaults, indexes, foreign keys or enums is a non-empty migration script.
 */
describe('schema.prisma and the migrated database', () => {
  const root = projectRoot();
  const schema = readFileSync(join(root, 'prisma', 'schema.prisma'), 'utf8');
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await database.drop();
  });

  it('agree: the migrated database has no drift from schema.prisma', async () => {
    expect(await diffDatabaseToSchema(database.url, { schema })).toBe('');
  });

  it('agree: the migrations folder needs no new migration (run `npm run db:new-migration -- <name>` otherwise)', async () => {
    const folder = await readMigrationsFolder(join(root, 'prisma', 'migrations'));
    expect(await diffMigrationsToSchema(testClusterUrl(), folder, { schema })).toBe('');
  });

  describe('a planted drift is found', () => {
    let copy: string;

    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'proving-drift-'));
      cpSync(join(root, 'prisma'), join(copy, 'prisma'), { recursive: true });
    });

    afterEach(() => {
      rmSync(copy, { recursive: true, force: true });
    });

    /** Edits schema.prisma in a temporary copy of prisma/ and returns the drift script. */
    async function driftAfterEditing(edit: (schema: string) => string): Promise<string> {
      const path = join(copy, 'prisma', 'schema.prisma');
      const edited = edit(readFileSync(path, 'utf8'));
      expect(edited).not.toBe(schema); // the edit must really change something
      writeFileSync(path, edited);
      return diffDatabaseToSchema(database.url, { schema: readFileSync(path, 'utf8'), schemaPath: path });
    }

    it.each([
      ['a new column', (s: string) => s.replace(/(\n\s*handle\s+String\s+@unique)/, '$1\n  bio String?'), /ADD COLUMN\s+"bio" TEXT/],
      [
        'a column made optional',
        (s: string) => s.replace(/(passwordHash\s+String)\n/, '$1?\n'),
        /ALTER COLUMN "passwordHash" DROP NOT NULL/,
      ],
      [
        'a changed type',
        (s: string) => s.replace(/(objectId\s+String)/, '$1 @db.VarChar(64)'),
        /ALTER COLUMN "objectId" SET DATA TYPE VARCHAR\(64\)/,
      ],
      ['a changed default', (s: string) => s.replace('@default(LEARNER)', '@default(MENTOR)'), /SET DEFAULT 'MENTOR'/],
      [
        'a new index',
        (s: string) => s.replace(/(\n\s*@@index\(\[actorId, createdAt\]\))/, '$1\n  @@index([action])'),
        /CREATE INDEX "AuditEvent_action_idx"/,
      ],
      ['a new enum value', (s: string) => s.replace(/(\n\s*ADMIN\n)\}/, '$1  OBSERVER\n}'), /ALTER TYPE "Role" ADD VALUE 'OBSERVER'/],
    ])('in schema.prisma: %s', async (_what, edit, expected) => {
      expect(await driftAfterEditing(edit)).toMatch(expected);
    });

    it.each([
      ['a dropped NOT NULL', 'ALTER TABLE "User" ALTER COLUMN "handle" DROP NOT NULL', /ALTER COLUMN "handle" SET NOT NULL/],
      ['a dropped unique index', 'DROP INDEX "User_email_key"', /CREATE UNIQUE INDEX "User_email_key"/],
      ['an extra enum value', `ALTER TYPE "Role" ADD VALUE 'GUEST'`, /"Role"/],
      ['a dropped default', 'ALTER TABLE "AuditEvent" ALTER COLUMN "details" DROP DEFAULT', /ALTER COLUMN "details" SET DEFAULT '\{\}'/],
      ['an extra column', 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT', /DROP COLUMN "nickname"/],
    ])('in the database: %s', async (_what, sql, expected) => {
      await withClient(database.url, (client) => client.query(sql));
      expect(await diffDatabaseToSchema(database.url, { schema })).toMatch(expected);
    });
  });
});
