import type { FastifyRequest } from 'fastify';
import { formatCount, GRAPHQL_LIMITS, GraphqlLimitReason } from './graphql-limits';
import { GraphqlRequestRefused } from './limit-errors';

/**
 * Content types a browser cannot send cross-site without a CORS preflight. text/plain,
 * application/x-www-form-urlencoded and multipart/form-data are "simple": any web page can make a
 * signed-in browser POST them (CSRF), so those need one of the headers below.
 */
const PREFLIGHTED_CONTENT_TYPES = new Set(['application/json', 'application/graphql']);

/** Custom headers force a preflight; these are the names Apollo and Mercurius clients already send. */
export const PREFLIGHT_HEADERS = [
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'mercurius-require-preflight',
  'x-mercurius-require-preflight',
  'x-mercurius-operation-name',
] as const;

/**
 * CSRF prevention for POST /graphql. GET needs none: Mercurius runs only queries over GET (a
 * mutation is refused, MUTATION_OVER_GET), and a query changes nothing. Mercurius's own
 * `csrfPrevention` is not used: it also refuses every GET without a custom header, which blocks
 * plain GET queries and the graphql-ws upgrade (browsers cannot add headers to a WebSocket).
 */
export async function refuseCrossSiteForms(request: FastifyRequest): Promise<void> {
  if (request.method !== 'POST') return;
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (PREFLIGHTED_CONTENT_TYPES.has(contentType)) return;
  if (PREFLIGHT_HEADERS.some((header) => request.headers[header] !== undefined)) return;
  throw new GraphqlRequestRefused(
    { code: 'BAD_REQUEST', reason: GraphqlLimitReason.CsrfPreflightRequired },
    400,
    `a POST with content-type ${contentType || '(none)'} could be a cross-site request forgery; send content-type application/json, ` +
      `or add one of the headers ${PREFLIGHT_HEADERS.join(', ')}`,
  );
}

/**
 * Refuses a body whose declared length is over the limit, before reading it, and says by how much.
 * Bodies without a length (chunked) are cut off by the route's `bodyLimit`; Fastify's error for
 * that is given the same code by the error formatter.
 */
export async function refuseOversizedBodies(request: FastifyRequest): Promise<void> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > GRAPHQL_LIMITS.maxBodyBytes) throw requestBodyTooLarge(`is ${formatCount(declared)} bytes`);
}

export function requestBodyTooLarge(measured: string): GraphqlRequestRefused {
  return new GraphqlRequestRefused(
    { code: 'BAD_USER_INPUT', reason: GraphqlLimitReason.RequestBodyTooLarge },
    413,
    `the request body ${measured}; /graphql accepts at most ${formatCount(GRAPHQL_LIMITS.maxBodyBytes)} bytes (1 MiB)`,
  );
}

/**
 * One operation per request. With `allowBatchedQueries: false` Mercurius's body schema already
 * refuses an array, but as "body must be object"; this says why, before that schema runs.
 */
export async function refuseBatches(request: FastifyRequest): Promise<void> {
  if (request.method === 'POST' && Array.isArray(request.body)) {
    throw new GraphqlRequestRefused(
      { code: 'BAD_REQUEST', reason: GraphqlLimitReason.BatchingNotAllowed },
      400,
      `the body is an array of ${request.body.length} operations; batching is not allowed, send one operation per request`,
    );
  }
}

/** Fastify options for Mercurius's /graphql routes (GET, POST, and the graphql-ws upgrade). */
export function graphqlRouteOptions() {
  return {
    bodyLimit: GRAPHQL_LIMITS.maxBodyBytes,
    // preParsing runs before the body is read (Mercurius keeps `onRequest` for itself).
    preParsing: [refuseCrossSiteForms, refuseOversizedBodies],
    // preValidation runs after the body is parsed and before Mercurius's body schema.
    preValidation: [refuseBatches],
  };
}
