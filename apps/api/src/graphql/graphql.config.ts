import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { MercuriusDriver } from '@nestjs/mercurius';
import type { AppConfig } from '@app/config';
import { graphqlMetricsHooks } from '../metrics/graphql-metrics.hooks';
import type { MetricsService } from '../metrics/metrics.service';
import { formatGraphqlErrors } from './graphql-error-formatter';

/** GraphQL over HTTP (POST/GET /graphql) and graphql-ws (same path), code-first, schema built in memory. */
export function graphqlOptions(config: AppConfig, metrics: MetricsService): MercuriusDriverConfig {
  return {
    driver: MercuriusDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    // fullWsTransport: queries and mutations may also travel over graphql-ws (one socket for a CLI session).
    subscription: { fullWsTransport: true },
    queryDepth: 8,
    errorFormatter: formatGraphqlErrors,
    hooks: graphqlMetricsHooks(metrics),
    buildSchemaOptions: { dateScalarMode: 'isoDate' },
    introspection: !config.isProduction,
  } as MercuriusDriverConfig;
}
