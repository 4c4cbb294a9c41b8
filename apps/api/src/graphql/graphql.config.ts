import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { MercuriusDriver } from '@nestjs/mercurius';
import type { validate } from 'graphql';
import type { AppConfig } from '@app/config';
import { graphqlMetricsHooks } from '../metrics/graphql-metrics.hooks';
import type { MetricsService } from '../metrics/metrics.service';
import { graphqlErrorFormatter } from './graphql-error-formatter';
import { documentRules, graphqlLimitHooks } from './limits/graphql-limit-hooks';
import { GRAPHQL_LIMITS } from './limits/graphql-limits';
import { guardGraphqlWsParsing } from './limits/graphql-ws-guard';
import { graphqlRouteOptions } from './limits/request-guards';

/**
 * GraphQL over HTTP (POST/GET /graphql) and graphql-ws (same path), code-first, schema built in
 * memory, with the limits of docs/graphql-limits.md: what Mercurius's options can express is set
 * here, the rest are validation rules, Mercurius hooks and Fastify route hooks in `limits/`.
 */
export function graphqlOptions(config: AppConfig, metrics: MetricsService): MercuriusDriverConfig {
  const production = config.isProduction;
  // Tokens and depth of graphql-ws documents, before Mercurius parses them whole (subscriptions included).
  guardGraphqlWsParsing();
  const limits = graphqlLimitHooks({ production });
  const timing = graphqlMetricsHooks(metrics);
  // graphql-js 16.15 takes `hideSuggestions`; Mercurius passes these options through but its type predates it.
  const validateOptions: Parameters<typeof validate>[3] = { hideSuggestions: production };
  return {
    driver: MercuriusDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    // fullWsTransport: queries and mutations may also travel over graphql-ws (one socket for a CLI session).
    subscription: { fullWsTransport: true },
    queryDepth: GRAPHQL_LIMITS.maxDepth,
    allowBatchedQueries: false,
    // Mercurius has no `introspection` option (it ignores one): production refuses it with a validation rule.
    validationRules: documentRules(production),
    graphql: {
      // Parsing stops at the first token over the limit, so a huge document costs no more than a small one.
      parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
      validateOptions,
    },
    additionalRouteOptions: graphqlRouteOptions(),
    errorFormatter: graphqlErrorFormatter({ hideSuggestions: production }),
    hooks: {
      preParsing: limits.preParsing,
      preValidation: limits.preValidation,
      // The limits first: a refused operation never reaches the timing hook, so it is not counted as executed.
      preExecution: [limits.preExecution, timing.preExecution],
      onResolution: timing.onResolution,
      preSubscriptionExecution: limits.preSubscriptionExecution,
    },
    buildSchemaOptions: { dateScalarMode: 'isoDate' },
  } satisfies MercuriusDriverConfig;
}
