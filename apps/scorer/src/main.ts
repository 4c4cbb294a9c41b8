import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type AppConfig } from '@app/config';
import { migrate } from '@app/db';
import { ScorerAppModule } from './scorer-app.module';

/**
 * A standalone scorer: `node dist/apps/scorer/src/main.js` with DATABASE_URL (and ARTIFACT_STORE
 * shared with the API, e.g. s3://…). Run one per machine; run the API with SCORER=none.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`proving-ground scorer: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (!config.databaseUrl) {
    process.stderr.write(
      'proving-ground scorer: DATABASE_URL is not set. A standalone scorer joins a running platform through its PostgreSQL; ' +
        'in single-process mode (`npm start`) the API runs the scorer itself.\n',
    );
    process.exit(1);
  }
  const logger = new ConsoleLogger({ json: true, logLevels: config.logLevel === 'silent' ? [] : levelsFrom(config.logLevel) });
  try {
    await migrate(config.databaseUrl);
    const app = await NestFactory.createApplicationContext(ScorerAppModule.forRoot(config, config.databaseUrl), { logger });
    app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
    await app.init();
  } catch (error) {
    process.stderr.write(`proving-ground scorer: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

function levelsFrom(level: AppConfig['logLevel']): ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const order = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const index = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5, silent: -1 }[level];
  return order.slice(0, index + 1);
}

void main();
