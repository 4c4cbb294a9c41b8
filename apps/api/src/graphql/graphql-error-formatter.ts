import { Logger } from '@nestjs/common';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { describeError } from '../errors/describe-error';

const logger = new Logger('GraphQL');

/**
 * Every GraphQL error leaves through here: domain errors get their mapped `extensions.code`,
 * syntax and validation errors their own codes, anything else a generic message with the
 * request id (the details go to the log). No stack, SQL or path reaches a client.
 */
export function formatGraphqlErrors(
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: MercuriusContext,
): { statusCode: number; response: ExecutionResult } {
  const requestId = context.reply?.request.id;
  const errors = execution.errors.flatMap(unwrapValidationErrors).map((error) => formatOne(error, requestId));
  const requestFailed = !execution.data && errors.every((error) => isRequestErrorCode(error.extensions?.code));
  return {
    statusCode: requestFailed ? 400 : 200,
    response: { data: execution.data ?? null, errors: errors as unknown as GraphQLError[] },
  };
}

function isRequestErrorCode(code: unknown): boolean {
  return code === 'GRAPHQL_PARSE_FAILED' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_REQUEST';
}

/** Mercurius wraps all validation errors of one request in a single MER_ERR_GQL_VALIDATION. */
function unwrapValidationErrors(error: GraphQLError): GraphQLError[] {
  const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(inner)) {
    return inner.map((e: unknown) =>
      e instanceof GraphQLError ? e : new GraphQLError((e as Error).message, { originalError: e as Error }),
    );
  }
  return [error];
}

function formatOne(error: GraphQLError, requestId: string | undefined): GraphQLFormattedError {
  const base = { message: error.message, locations: error.locations, path: error.path };
  const original = error.originalError;
  if (!original || original === error) {
    // Produced by graphql-js itself: a syntax error, or a document that does not fit the schema.
    const code = error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
    return { ...base, extensions: { code } };
  }
  const mercuriusCode = (original as { code?: unknown }).code;
  if (typeof mercuriusCode === 'string' && mercuriusCode.startsWith('MER_ERR_')) {
    // Mercurius's own request errors (depth limit, CSRF, bad method): the message is safe.
    const message = original.message.replaceAll('`', '');
    if (mercuriusCode === 'MER_ERR_GQL_QUERY_DEPTH')
      return { message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' } };
    return { message, extensions: { code: 'BAD_REQUEST', reason: mercuriusCode } };
  }
  const described = describeError(original, requestId);
  if (described.unexpected) logger.error({ err: original, requestId, path: error.path }, 'unexpected error in a GraphQL operation');
  return {
    ...base,
    message: described.message,
    extensions: { code: described.code, ...(described.reason ? { reason: described.reason } : {}), ...(described.details ?? {}) },
  };
}
