import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { catalogLocation, loadCatalog, toStoredChallenge, type CatalogLocation } from '@app/catalog';
import { projectRoot } from '@app/config';
import { createTestDatabase, withClient, type TestDatabase } from '@app/testing';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import { AttemptRepository, ChallengeRepository, TransactionRunner } from '@app/db';
import { AppModule } from '../../apps/api/src/app.module';
import { testConfig } from '../support/test-app';

/** Versioning by content hash, against a temporary copy of the catalog that the test edits. */
describe('catalog sync', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let copy: string;
  let location: CatalogLocation;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await NestFactory.create(AppModule.forRoot(testConfig(database), database.url, pino({ level: 'silent' })), new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    copy = mkdtempSync(join(tmpdir(), 'proving-catalog-'));
    const real = catalogLocation(projectRoot());
    cpSync(real.challengesDir, join(copy, 'challenges'), { recursive: true });
    location = { challengesDir: join(copy, 'challenges'), buildDir: real.buildDir };
  });

  afterAll(async () => {
    await app.close();
    await database.drop();
    rmSync(copy, { recursive: true, force: true });
  });

  const sync = () =>
    app.get(TransactionRunner).run((tx) => app.get(ChallengeRepository).sync(loadCatalog(location).map(toStoredChallenge), tx));

  it('makes version 2 when a definition changes; attempts on version 1 keep version 1; removal retires', async () => {
    const first = await sync();
    expect(first.created).toContain('document-an-optimization');
    expect((await sync()).unchanged).toContain('document-an-optimization');

    const challenges = app.get(ChallengeRepository);
    const v1 = (await challenges.findBySlug('document-an-optimization'))!;
    expect(v1.version).toBe(1);
    const userId = await withClient(
      database.url,
      async (c) =>
        (
          await c.query(
            `INSERT INTO "User" (id, email, handle, "passwordHash", "updatedAt") VALUES (gen_random_uuid(), 'v@example.com', 'versioned', 'x', now()) RETURNING id`,
          )
        ).rows[0].id as string,
    );
    const attempt = await app
      .get(AttemptRepository)
      .findOrCreate({ userId, challengeId: v1.id, challengeVersion: v1.version, secretSeed: 'seed' });

    const file = join(location.challengesDir, 'document-an-optimization', 'challenge.json');
    const definition = JSON.parse(readFileSync(file, 'utf8')) as { title: string };
    writeFileSync(file, JSON.stringify({ ...definition, title: 'Write up a speedup (revised)' }));
    const second = await sync();
    expect(second.updated).toEqual(['document-an-optimization']);

    const v2 = (await challenges.findBySlug('document-an-optimization'))!;
    expect(v2).toMatchObject({ version: 2, title: 'Write up a speedup (revised)' });
    const stillV1 = (await challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
    expect(stillV1.version).toBe(1);
    expect((await app.get(AttemptRepository).findById(attempt.id))!.challengeVersion).toBe(1);

    // A brief change is a change too.
    const brief = join(location.challengesDir, 'document-an-optimization', 'brief.md');
    writeFileSync(brief, readFileSync(brief, 'utf8') + '\nOne more hint.\n');
    expect((await sync()).updated).toEqual(['document-an-optimization']);
    expect((await challenges.findBySlug('document-an-optimization'))!.version).toBe(3);

    rmSync(join(location.challengesDir, 'document-a-jax-port'), { recursive: true });
    expect((await sync()).retired).toEqual(['document-a-jax-port']);
    expect((await challenges.findBySlug('document-a-jax-port'))!.retiredAt).toBeInstanceOf(Date);
  });

  it('refuses an invalid catalog with every problem listed, and changes nothing', async () => {
    const broken = join(location.challengesDir, 'document-an-ai-free-session', 'challenge.json');
    const original = readFileSync(broken, 'utf8');
    writeFileSync(broken, JSON.stringify({ ...JSON.parse(original), points: -5, slug: 'Not A Slug' }));
    try {
      expect(() => loadCatalog(location)).toThrow(
        /document-an-ai-free-session: .*slug.*points|document-an-ai-free-session: .*points.*slug/s,
      );
    } finally {
      writeFileSync(broken, original);
    }
  });
});
