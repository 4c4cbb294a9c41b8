import type { GraphQLError } from 'graphql';
import { formatCount, GRAPHQL_LIMITS } from './graphql-limits';

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
