import { ProgressModule } from './progress/progress.module';
import { Clock, ClockModule } from './clock/clock';
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
import { AuthModule } from './auth/auth.module';
import { AuthenticationService } from './auth/authentication.service';
import { AuthorizationModule } from './authorization/authorization.module';
import { graphqlContext, subscriptionAuthentication } from './graphql/graphql-context';
import { TeamsModule } from './teams/teams.module';
import { ChallengesModule } from './challenges/challenges.module';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { SubmissionsModule } from './submissions/submissions.module';
import { CertificatesModule } from './certificates/certificates.module';
import { CodingSessionsModule } from './sessions/coding-sessions.module';
import { ReviewsModule } from './reviews/reviews.module';
import { LeaderboardsModule } from './leaderboards/leaderboards.module';
import { StorageModule } from '@app/storage';
import { UsersModule } from './users/users.module';
import { EventsModule } from '@app/events';
import { ScorerModule } from '../../scorer/src/scorer.module';

/** Wiring only: every feature lives in its own module. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, logger?: Logger, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        DbModule.forRoot(databaseUrl),
        // Fastify owns the request logger (and the request id); nestjs-pino routes Nest's logs into it.
        LoggerModule.forRoot({ useExisting: true, pinoHttp: logger ? { logger } : { level: 'silent' } }),
        MetricsModule,
        HealthModule,
        AuthorizationModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [MetricsModule, AuthModule],
          inject: [APP_CONFIG, MetricsService, AuthenticationService],
          useFactory: (appConfig: AppConfig, metrics: MetricsService, authentication: AuthenticationService) => {
            const options = graphqlOptions(appConfig, metrics);
            return {
              ...options,
              context: graphqlContext(authentication),
              subscription: { ...(options.subscription as object), ...subscriptionAuthentication(authentication) },
            };
          },
        }),
        SystemModule,
        AuthModule,
        UsersModule,
        TeamsModule,
        ChallengesModule,
        StorageModule.forRoot(config.artifactStore, config.s3),
        ArtifactsModule,
        EventsModule,
        SubmissionsModule,
        CertificatesModule,
        CodingSessionsModule,
        ReviewsModule,
        LeaderboardsModule,
        ProgressModule,
        // Single-process mode: this process also scores, its sandbox host a child of it.
        ...(config.scorer === 'embedded' ? [ScorerModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
