import { GraphQLError, type ASTNode } from 'graphql';
import type { PublicErrorCode } from '../../errors/public-error';

export interface LimitExtensions {
  code: PublicErrorCode;
  reason: string;
}

/**
 * A refusal found while validating a document. The code and reason travel in `extensions`, which
 * the error formatter passes through (graphql-js's own validation errors carry none).
 */
export function limitError(extensions: LimitExtensions, message: string, nodes?: ASTNode | readonly ASTNode[]): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { ...extensions } });
}

/**
 * A request refused by a Fastify hook on /graphql before any GraphQL work (CSRF, batching, body
 * size). It carries its HTTP status for the formatter, and `extensions` so that Mercurius's
 * `toGraphQLError` keeps code and reason on paths that do not use the formatter.
 */
export class GraphqlRequestRefused extends Error {
  readonly extensions: LimitExtensions;

  constructor(
    extensions: LimitExtensions,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'GraphqlRequestRefused';
    this.extensions = { ...extensions };
  }
}

/**
 * Validation errors found in a Mercurius hook, thrown together so that no resolver runs. Mercurius
 * hands a thrown error to the formatter (HTTP), which unwraps `errors`, or sends it as one error
 * over graphql-ws, where message and `extensions` of the first one are what the client sees.
 */
export class OperationRefused extends Error {
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(readonly errors: readonly GraphQLError[]) {
    super(errors[0]?.message ?? 'operation refused');
    this.name = 'OperationRefused';
    this.extensions = errors[0]?.extensions ?? {};
  }
}
