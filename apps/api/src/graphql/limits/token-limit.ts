import { GraphQLError, parse } from 'graphql';
import { formatCount, GRAPHQL_LIMITS, GraphqlLimitReason } from './graphql-limits';
import { limitError } from './limit-errors';

/**
 * graphql-js's own words when `parse(source, { maxTokens })` gives up (its typo, "more that", is
 * matched too in case a release fixes it). A spec pins the message of the installed version.
 */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more tha[tn] (\d+) tokens\. Parsing aborted\.$/;

/** Mercurius reports the token limit as a syntax error; this tells it apart from a real one. */
export function isTokenLimitError(error: GraphQLError): boolean {
  return TOKEN_LIMIT_MESSAGE.test(error.message);
}

export function tokenLimitMessage(maxTokens: number = GRAPHQL_LIMITS.maxTokens): string {
  return `the document has more than ${formatCount(maxTokens)} tokens (parsing stopped at token ${formatCount(maxTokens + 1)}); the limit is ${formatCount(maxTokens)}`;
}

/**
 * For graphql-ws subscriptions, whose documents Mercurius parses without `parseOptions`: the same
 * limit, checked by a parse that stops at the first token over it.
 * @throws GraphQLError TOO_MANY_TOKENS
 */
export function assertTokenLimit(source: string, maxTokens: number = GRAPHQL_LIMITS.maxTokens): void {
  try {
    parse(source, { maxTokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError && isTokenLimitError(error)) {
      throw limitError({ code: 'GRAPHQL_VALIDATION_FAILED', reason: GraphqlLimitReason.TooManyTokens }, tokenLimitMessage(maxTokens));
    }
    // Any other syntax error is Mercurius's to report.
  }
}
