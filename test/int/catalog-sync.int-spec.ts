import { randomUUID } from 'node:crypto';
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
import {
  AttemptRepository,
  ChallengeRepository,
  ScorerRepository,
  ScoringRepository,
  SubmissionRepository,
  TransactionRunner,
  type AttemptRecord,
  type SubmissionRecord,
} from '@app/db';
import { AppModule } from '../../apps/api/src/app.module';
import { toChallenge } from '../../apps/api/src/challenges/challenge-view';
import { ChallengesService } from '../../apps/api/src/challenges/challenges.service';
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

  /** A SCORED submission with its result on `attempt`, written the way the scorer writes it: claim, then finish. */
  async function scoredSubmission(attempt: AttemptRecord): Promise<SubmissionRecord> {
    const scorerId = randomUUID();
    await app.get(ScorerRepository).register({
      id: scorerId,
      host: 'catalog-sync-test',
      pid: process.pid,
      version: 'test',
      deviceClasses: ['cpu'],
      executionProviders: ['CPUExecutionProvider'],
      ortVersion: 'test',
      cpuModel: 'test',
      gpuModel: null,
    });
    const submission = await app
      .get(SubmissionRepository)
      .create({ attemptId: attempt.id, userId: attempt.userId, challengeId: attempt.challengeId, modelSha256: null, sourceSha256: null });
    const scoring = app.get(ScoringRepository);
    const claim = await scoring.claim(submission.id, scorerId);
    expect(claim).not.toBeNull();
    const result = { verdict: 'PASSED' as const, points: 300, metrics: {}, flags: [], environment: {} };
    const finished = await app
      .get(TransactionRunner)
      .run((tx) => scoring.finish(submission.id, claim!, 'job-on-version-1', scorerId, { status: 'SCORED', rejection: null, result }, tx));
    expect(finished).not.toBeNull();
    return submission;
  }

  it('makes version 2 when a definition changes; attempts and scored results on version 1 keep version 1; removal retires', async () => {
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
    const scored = await scoredSubmission(attempt);
    expect(toChallenge(v1).reportSpec).toMatchObject({ claimTolerance: 0.05 });

    // Title, points and quota live on the challenge row, not per version: change the versioned spec too,
    // so that version 1 and version 2 differ in what a result is judged by.
    const file = join(location.challengesDir, 'document-an-optimization', 'challenge.json');
    const definition = JSON.parse(readFileSync(file, 'utf8')) as { title: string; spec: Record<string, unknown> };
    writeFileSync(
      file,
      JSON.stringify({ ...definition, title: 'Write up a speedup (revised)', spec: { ...definition.spec, claimTolerance: 0.1 } }),
    );
    const second = await sync();
    expect(second.updated).toEqual(['document-an-optimization']);

    const v2 = (await challenges.findBySlug('document-an-optimization'))!;
    expect(v2).toMatchObject({ version: 2, title: 'Write up a speedup (revised)' });
    expect(toChallenge(v2).reportSpec).toMatchObject({ claimTolerance: 0.1 });
    const stillV1 = (await challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
    expect(stillV1.version).toBe(1);
    expect((await app.get(AttemptRepository).findById(attempt.id))!.challengeVersion).toBe(1);

    // The scored result still shows version 1, read as `Submission.challenge` resolves it.
    const submission = (await app.get(SubmissionRepository).findById(scored.id))!;
    expect(submission.status).toBe('SCORED');
    expect(await app.get(SubmissionRepository).resultOf(scored.id)).toMatchObject({ verdict: 'PASSED', points: 300 });
    const scoredOn = toChallenge(await app.get(ChallengesService).challengeOfSubmission(submission));
    expect(scoredOn).toMatchObject({ slug: 'document-an-optimization', version: 1, reportSpec: { claimTolerance: 0.05 } });

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
