import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import { catalogLocation, loadCatalog, toStoredChallenge } from '@app/catalog';
import { projectRoot } from '@app/config';
import {
  AttemptRepository,
  ChallengeRepository,
  ScorerRepository,
  ScoringRepository,
  SubmissionRepository,
  TransactionRunner,
  type ScoringEnd,
} from '@app/db';
import { createTestDatabase, withClient, type TestDatabase } from '@app/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { testConfig } from '../support/test-app';

/** The claim fence on a real database: only the latest run of a job may report or write the result. */
describe('scoring claims', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let scoring: ScoringRepository;
  let transactions: TransactionRunner;
  let submissionId: string;
  const scorers = [randomUUID(), randomUUID()];

  const end = (points: number): ScoringEnd => ({
    status: 'SCORED',
    rejection: null,
    result: { verdict: 'PASSED', points, metrics: {}, flags: [], environment: {} },
  });
  const finish = (claim: number, points: number, scorer = scorers[0]!) =>
    transactions.run((tx) => scoring.finish(submissionId, claim, 'job-1', scorer, end(points), tx));

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await NestFactory.create(AppModule.forRoot(testConfig(database), database.url, pino({ level: 'silent' })), new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    scoring = app.get(ScoringRepository);
    transactions = app.get(TransactionRunner);
    await transactions.run((tx) =>
      app.get(ChallengeRepository).sync(loadCatalog(catalogLocation(projectRoot())).map(toStoredChallenge), tx),
    );
    for (const id of scorers) {
      await app.get(ScorerRepository).register({
        id,
        host: 'test',
        pid: 1,
        version: '0',
        deviceClasses: ['cpu'],
        executionProviders: ['cpu'],
        ortVersion: '1.30.0',
        cpuModel: 'test',
        gpuModel: null,
      });
    }
  });

  beforeEach(async () => {
    const userId = await withClient(database.url, async (c) => {
      const id = randomUUID();
      await c.query(`INSERT INTO "User" (id, email, handle, "passwordHash", "updatedAt") VALUES ($1, $2, $3, 'x', now())`, [
        id,
        `${id}@example.com`,
        `u${id.slice(0, 8)}`,
      ]);
      return id;
    });
    const challenge = (await app.get(ChallengeRepository).findBySlug('pruned-mlp-speedup'))!;
    const attempt = await app
      .get(AttemptRepository)
      .findOrCreate({ userId, challengeId: challenge.id, challengeVersion: challenge.version, secretSeed: 'seed' });
    submissionId = (
      await app
        .get(SubmissionRepository)
        .create({ attemptId: attempt.id, userId, challengeId: challenge.id, modelSha256: 'a'.repeat(64), sourceSha256: null })
    ).id;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const results = () =>
    withClient(
      database.url,
      async (c) => (await c.query('SELECT points, "scoringClaim" FROM "Result" WHERE "submissionId" = $1', [submissionId])).rows,
    );

  it('lets only the latest claim report progress and write the one result', async () => {
    const first = (await scoring.claim(submissionId, scorers[0]!))!;
    const second = (await scoring.claim(submissionId, scorers[1]!))!;
    expect(second).toBe(first + 1);
    expect(await scoring.progress(submissionId, first, 'parity', 0.5)).toBe(false);
    expect(await scoring.progress(submissionId, second, 'parity', 0.5)).toBe(true);
    expect(await finish(first, 11)).toBeNull();
    expect(await results()).toEqual([]);
    expect(await finish(second, 22, scorers[1])).not.toBeNull();
    // A duplicate delivery of the latest claim, and any later claim, find the submission ended.
    expect(await finish(second, 33, scorers[1])).toBeNull();
    expect(await scoring.claim(submissionId, scorers[0]!)).toBeNull();
    expect(await results()).toEqual([{ points: 22, scoringClaim: second }]);
    expect(await app.get(SubmissionRepository).findById(submissionId)).toMatchObject({ status: 'SCORED', phase: null, progress: 1 });
  });

  it('fails a submission for the platform only while it has not ended, and frees its quota', async () => {
    const claim = (await scoring.claim(submissionId, scorers[0]!))!;
    expect(await scoring.failForPlatform(submissionId, 'PLATFORM_FAILED', 'retries exhausted')).toBe(true);
    expect(await finish(claim, 5)).toBeNull();
    expect(await scoring.failForPlatform(submissionId, 'PLATFORM_FAILED', 'again')).toBe(false);
    expect(await app.get(SubmissionRepository).findById(submissionId)).toMatchObject({
      status: 'FAILED',
      rejectionCode: 'PLATFORM_FAILED',
      countsTowardQuota: false,
    });
    expect(await results()).toEqual([]);
  });
});
