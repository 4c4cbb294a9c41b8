/**
 * The limits every GraphQL request must fit (DESIGN.md §6). docs/graphql-limits.md explains them
 * to clients; change both together.
 */
export const GRAPHQL_LIMITS = {
  /** Nesting of fields (Mercurius `queryDepth`; fragment spreads add no level of their own). */
  maxDepth: 8,
  /** Aliased fields per operation, fragments counted at every spread. */
  maxAliases: 15,
  /** Static cost per operation: see `query-cost.rule.ts`. */
  maxCost: 5_000,
  /** Lexical tokens per document (graphql-js `maxTokens`: parsing stops at the first token over). */
  maxTokens: 2_000,
  /** Bytes of a request body on /graphql (1 MiB). */
  maxBodyBytes: 1_048_576,
} as const;

/** `extensions.reason` of each refusal; the code that goes with it is named beside it. */
export enum GraphqlLimitReason {
  /** GRAPHQL_VALIDATION_FAILED */
  QueryTooDeep = 'QUERY_TOO_DEEP',
  /** GRAPHQL_VALIDATION_FAILED */
  TooManyAliases = 'TOO_MANY_ALIASES',
  /** GRAPHQL_VALIDATION_FAILED */
  QueryTooCostly = 'QUERY_TOO_COSTLY',
  /** GRAPHQL_VALIDATION_FAILED */
  TooManyTokens = 'TOO_MANY_TOKENS',
  /** GRAPHQL_VALIDATION_FAILED (production only) */
  IntrospectionDisabled = 'INTROSPECTION_DISABLED',
  /** BAD_REQUEST */
  BatchingNotAllowed = 'BATCHING_NOT_ALLOWED',
  /** BAD_REQUEST */
  CsrfPreflightRequired = 'CSRF_PREFLIGHT_REQUIRED',
  /** BAD_REQUEST (HTTP 405) */
  MutationOverGet = 'MUTATION_OVER_GET',
  /** BAD_USER_INPUT (HTTP 413) */
  RequestBodyTooLarge = 'REQUEST_BODY_TOO_LARGE',
  /** GRAPHQL_PARSE_FAILED: `query` held a JSON syntax tree, which Mercurius would run unparsed (no token limit). */
  PreparsedDocument = 'PREPARSED_DOCUMENT',
}

/** 1048576 → "1,048,576": limits and measurements in messages are easier to compare with separators. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
