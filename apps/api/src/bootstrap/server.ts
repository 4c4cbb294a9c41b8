import type { Clock } from '../clock/clock';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import pino, { type Logger } from 'pino';
import { assertPortAvailable, ConfigError, type AppConfig } from '@app/config';
import { EmbeddedDatabase, migrate } from '@app/db';
import { AppModule } from '../app.module';
import { CatalogService } from '../challenges/catalog.service';
import { LifecycleService } from '../health/lifecycle.service';
import { ReviewMaintenanceService } from '../reviews/review-maintenance.service';
import { RequestsInFlight } from './requests-in-flight';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  databaseUrl: string;
  /** Drains, closes HTTP/WebSocket and the database pool, then stops the embedded PostgreSQL. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's `x-request-id` when it is short and plain, so ids correlate across services. */
function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export function createLogger(config: AppConfig): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'proving-ground' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'], censor: '[redacted]' },
  });
}

/** The requests each Fastify instance is answering (see RequestsInFlight). */
const inFlight = new WeakMap<object, RequestsInFlight>();

/** Fastify with the project's logger and request ids (`x-request-id` in and out); it counts the requests in flight. */
export function createHttpAdapter(logger: Logger): FastifyAdapter {
  const adapter = new FastifyAdapter({ loggerInstance: logger, genReqId: requestIdFor, requestIdHeader: false, trustProxy: false });
  const requests = new RequestsInFlight();
  inFlight.set(adapter.getInstance(), requests);
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (!request.headers.upgrade) requests.track(reply.raw);
  });
  return adapter;
}

/**
 * Starts Proving Ground's API: checks the port, starts the embedded PostgreSQL when no
 * DATABASE_URL is set, applies migrations, then serves HTTP and WebSocket.
 */
export async function startServer(config: AppConfig, logger: Logger = createLogger(config), clock?: Clock): Promise<RunningServer> {
  await assertPortAvailable('PORT', config.port, config.host);
  const embedded = config.databaseUrl
    ? undefined
    : await EmbeddedDatabase.start({
        dataDir: config.dataDir,
        port: config.embeddedDatabasePort,
        database: 'proving_ground',
        log: (line) => logger.debug({ component: 'postgres' }, line),
      });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  try {
    const applied = await migrate(databaseUrl);
    if (applied.length > 0) logger.info({ applied }, `applied ${applied.length} migration(s)`);
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, databaseUrl, logger, clock),
      createHttpAdapter(logger),
      { bufferLogs: true },
    );
    return await serve(app, { config, logger, databaseUrl, onClose: async () => embedded?.stop() });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** Listens with a created app and returns its handle; closes the app if listening fails. */
export async function serve(
  app: NestFastifyApplication,
  options: { config: AppConfig; logger: Logger; databaseUrl: string; onClose?: () => Promise<void> },
): Promise<RunningServer> {
  const { config, logger } = options;
  app.useLogger(app.get(PinoNestLogger));
  try {
    // Every start brings the database in line with this build's challenge catalog (new versions for changed definitions).
    await app.get(CatalogService).sync();
    // Review timeouts run on the job queue's schedule, shared by every replica.
    await app.get(ReviewMaintenanceService).start();
    await app.listen({ port: config.port, host: config.host }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        throw new ConfigError(
          'PORT',
          `PORT ${config.port} is already in use on ${config.host}; stop the other process or choose another port`,
        );
      throw error;
    });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info({ port, embeddedDatabase: config.databaseUrl === undefined }, `Proving Ground listening on http://${host}:${port}`);
  return {
    url: `http://${host}:${port}`,
    port,
    databaseUrl: options.databaseUrl,
    async close() {
      logger.info('shutting down: draining, closing connections, then the database');
      app.get(LifecycleService).startDraining();
      // Nest's close() destroys the modules (the database pool, the event bus) before it closes the
      // HTTP server: the requests in flight finish first, within half the shutdown's time.
      const requests = inFlight.get(app.getHttpAdapter().getInstance());
      const unfinished = (await requests?.settled(config.shutdownTimeoutMs / 2)) ?? 0;
      if (unfinished > 0) logger.warn({ unfinished }, 'shutting down with requests still running');
      await app.close();
      await options.onClose?.();
      logger.info('stopped');
    },
  };
}
