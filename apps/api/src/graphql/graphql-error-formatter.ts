import { Logger } from '@nestjs/common';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { describeError } from '../errors/describe-error';
import type { PublicErrorCode } from '../errors/public-error';
import { formatCount, GRAPHQL_LIMITS, GraphqlLimitReason } from './limits/graphql-limits';
import { GraphqlRequestRefused, OperationRefused } from './limits/limit-errors';
import { requestBodyTooLarge } from './limits/request-guards';
import { isTokenLimitError, tokenLimitMessage } from './limits/token-limit';

const logger = new Logger('GraphQL');

/** graphql-js appends " Did you mean …?" to some messages; production does not reveal the schema that way. */
const SUGGESTION = / Did you mean [^?]*\?/g;

/**
 * graphql-js's words for an input object field the type does not have, in a literal (validation)
 * or in a variable's value (coercion). A client adding `status`, `points`, `role` or `userId` to an
 * input (mass assignment) is told so by this reason, on either path.
 */
const UNKNOWN_INPUT_FIELD = /Field "[^"]+" is not defined by type "[^"]+"\./;
const unknownInputField = (message: string) => (UNKNOWN_INPUT_FIELD.test(message) ? { reason: 'UNKNOWN_INPUT_FIELD' } : {});

interface Formatted {
  error: GraphQLFormattedError;
  /** The HTTP status when the request fails before execution. */
  httpStatus: number;
}

type ErrorFormatter = (
  execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
  context: MercuriusContext,
) => { statusCode: number; response: ExecutionResult };

/**
 * Every GraphQL error leaves through here: domain errors get their mapped `extensions.code`,
 * syntax and validation errors their own codes, the limits their code and `reason`, anything else
 * a generic message with the request id (the details go to the log). No stack, SQL or path reaches
 * a client. A request refused before execution (no `data` at all) answers with the first error's
 * HTTP status (400, 405 or 413); once execution started the answer is 200, as GraphQL over HTTP has it.
 */
export function graphqlErrorFormatter(options: { hideSuggestions: boolean }): ErrorFormatter {
  return (execution, context) => {
    const requestId = context.reply?.request.id;
    const formatted = execution.errors.flatMap(unwrap).map((error) => formatOne(error, requestId));
    const errors = formatted.map(({ error }) =>
      options.hideSuggestions ? { ...error, message: error.message.replace(SUGGESTION, '') } : error,
    );
    const statusCode = execution.data === undefined ? (formatted[0]?.httpStatus ?? 400) : 200;
    return { statusCode, response: { data: execution.data ?? null, errors: errors as unknown as GraphQLError[] } };
  };
}

/** Mercurius wraps all validation errors of one request in a single MER_ERR_GQL_VALIDATION; the limit hooks in OperationRefused. */
function unwrap(error: GraphQLError): GraphQLError[] {
  const original = error.originalError;
  const inner = (original as { errors?: unknown } | undefined)?.errors;
  const wraps = original instanceof OperationRefused || (original as { code?: unknown } | undefined)?.code === 'MER_ERR_GQL_VALIDATION';
  if (!wraps || !Array.isArray(inner)) return [error];
  return inner.map((e: unknown) => (e instanceof GraphQLError ? e : new GraphQLError((e as Error).message, { originalError: e as Error })));
}

function refusal(code: PublicErrorCode, reason: string, message: string, httpStatus = 400): Formatted {
  return { error: { message, extensions: { code, reason } }, httpStatus };
}

function formatOne(error: GraphQLError, requestId: string | undefined): Formatted {
  const base = { message: error.message, locations: error.locations, path: error.path };
  const original = error.originalError;
  if (original instanceof GraphqlRequestRefused) {
    return refusal(original.extensions.code, original.extensions.reason, original.message, original.statusCode);
  }
  if (!original || original === error) {
    // Produced by graphql-js itself (syntax, validation, variables) or by a limit rule, which sets its code.
    const { code, reason } = error.extensions as { code?: unknown; reason?: unknown };
    if (typeof code === 'string')
      return { error: { ...base, extensions: { code, ...(typeof reason === 'string' ? { reason } : {}) } }, httpStatus: 400 };
    if (isTokenLimitError(error)) return refusal('GRAPHQL_VALIDATION_FAILED', GraphqlLimitReason.TooManyTokens, tokenLimitMessage());
    const syntax = error.message.startsWith('Syntax Error');
    const graphqlCode = syntax ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
    return { error: { ...base, extensions: { code: graphqlCode, ...unknownInputField(error.message) } }, httpStatus: 400 };
  }
  if (error.path === undefined && (original instanceof GraphQLError || original instanceof TypeError)) {
    // A variable's value that does not coerce to its type (1.5 for an Int, an unknown enum value, a
    // bad DateTime): graphql-js wraps its own or the scalar's error before anything executes.
    return {
      error: { ...base, extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_VARIABLE', ...unknownInputField(error.message) } },
      httpStatus: 400,
    };
  }
  const ownCode = (original as { code?: unknown }).code;
  if (ownCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // A body without Content-Length, cut off by the route's bodyLimit after that many bytes.
    const tooLarge = requestBodyTooLarge(`is larger than ${formatCount(GRAPHQL_LIMITS.maxBodyBytes)} bytes`);
    return refusal(tooLarge.extensions.code, tooLarge.extensions.reason, tooLarge.message, tooLarge.statusCode);
  }
  if (typeof ownCode === 'string' && ownCode.startsWith('MER_ERR_')) {
    // Mercurius's own request errors: the message is safe.
    const message = original.message.replaceAll('`', '');
    if (ownCode === 'MER_ERR_GQL_QUERY_DEPTH') return refusal('GRAPHQL_VALIDATION_FAILED', GraphqlLimitReason.QueryTooDeep, message);
    if (ownCode === 'MER_ERR_METHOD_NOT_ALLOWED') {
      const why =
        'mutations are not allowed over GET (a link or an <img> could trigger them); send them with POST and content-type application/json';
      return refusal('BAD_REQUEST', GraphqlLimitReason.MutationOverGet, why, 405);
    }
    return refusal('BAD_REQUEST', ownCode, message);
  }
  const described = describeError(original, requestId);
  if (described.unexpected) logger.error({ err: original, requestId, path: error.path }, 'unexpected error in a GraphQL operation');
  return {
    error: {
      ...base,
      message: described.message,
      extensions: { code: described.code, ...(described.reason ? { reason: described.reason } : {}), ...(described.details ?? {}) },
    },
    httpStatus: described.httpStatus,
  };
}

/**
 * graphql-ws: Mercurius sends an error raised while a subscription starts (e.g. FORBIDDEN), or
 * before a query or mutation executes, without calling the error formatter. Rethrowing it through here gives it the same message and
 * `extensions` as over HTTP (graphql-js copies an original error's `extensions`).
 */
export function asSubscriptionError(error: unknown): Error {
  const graphqlError =
    error instanceof GraphQLError ? error : new GraphQLError((error as Error).message, { originalError: error as Error });
  const { message, extensions } = formatOne(graphqlError, undefined).error;
  return Object.assign(new Error(message), { extensions });
}
