import pino from 'pino';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import { catalogLocation, loadCatalog, toStoredChallenge } from '@app/catalog';
import { projectRoot } from '@app/config';
import { ChallengeRepository, TransactionRunner } from '@app/db';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { testConfig } from './test-app';

/** The real AppModule, initialised but not listening, over a fresh database with the catalog synced (integration specs). */
export interface IntApp {
  database: TestDatabase;
  app: INestApplication;
  stop(): Promise<void>;
}

export async function startIntApp(): Promise<IntApp> {
  const database = await createTestDatabase();
  const app = await NestFactory.create(
    AppModule.forRoot(testConfig(database), database.url, pino({ level: 'silent' })),
    new FastifyAdapter(),
    {
      logger: false,
    },
  );
  await app.init();
  await app
    .get(TransactionRunner)
    .run((tx) => app.get(ChallengeRepository).sync(loadCatalog(catalogLocation(projectRoot())).map(toStoredChallenge), tx));
  return {
    database,
    app,
    async stop() {
      await app.close();
      await database.drop();
    },
  };
}
