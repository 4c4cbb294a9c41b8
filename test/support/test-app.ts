import { Clock } from '../../apps/api/src/clock/clock';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '@app/config';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import pino, { type Logger } from 'pino';
import { startServer, type RunningServer } from '../../apps/api/src/bootstrap/server';

export interface TestApp extends RunningServer {
  database: TestDatabase;
  config: AppConfig;
  /** POST /graphql with a JSON body, as a client would. */
  graphql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphqlResponse>;
  /** Closes the app and drops its database. */
  stop(): Promise<void>;
}

export interface GraphqlResponse {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/**
 * The configuration tests run with, over `database`; artifacts go to a temporary folder unless
 * `env` names one. No scorer unless a suite asks for one (`SCORER: 'embedded'`): suites about
 * accounts or limits need no sandbox host, and submissions they make stay QUEUED.
 */
export function testConfig(database: TestDatabase, env: Record<string, string> = {}): AppConfig {
  const artifacts = join(tmpdir(), `proving-test-artifacts-${database.name}`);
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    ARTIFACT_STORE: artifacts,
    SCORER: 'none',
    ...env,
  });
}

/** The real app on a free port, over a fresh database cloned from the migrated template. */
export async function startTestApp(
  env: Record<string, string> = {},
  logger: Logger = pino({ level: 'silent' }),
  clock?: Clock,
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(database, env);
  return asTestApp(await startServer(config, logger, clock), database, config);
}

/** A clock a test sets: `at` is where it stands (it does not move by itself). */
export class FixedClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  override now(): Date {
    return new Date(this.at);
  }
}

/** Adds the client helpers to a running server. */
export function asTestApp(server: RunningServer, database: TestDatabase, config: AppConfig): TestApp {
  return {
    ...server,
    database,
    config,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlResponse['body'] };
    },
    async stop() {
      await server.close();
      await database.drop();
      if (!config.artifactStore.startsWith('s3://'))
        rmSync(config.artifactStore.replace(/^file:\/\//, ''), { recursive: true, force: true });
    },
  };
}
