import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { APP_CONFIG, ConfigModule, type AppConfig } from '@app/config';
import { DbModule } from '@app/db';
import { HttpErrorFilter } from './errors/http-error.filter';
import { graphqlOptions } from './graphql/graphql.config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsService } from './metrics/metrics.service';
import { SystemModule } from './system/system.module';

/** Wiring only: every feature lives in its own module. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, logger?: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule.forRoot(databaseUrl),
        // Fastify owns the request logger (and the request id); nestjs-pino routes Nest's logs into it.
        LoggerModule.forRoot({ useExisting: true, pinoHttp: logger ? { logger } : { level: 'silent' } }),
        MetricsModule,
        HealthModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [MetricsModule],
          inject: [APP_CONFIG, MetricsService],
          useFactory: graphqlOptions,
        }),
        SystemModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
