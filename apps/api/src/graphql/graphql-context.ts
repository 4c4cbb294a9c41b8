import type { FastifyRequest } from 'fastify';
import type { Caller } from '../authorization/caller';
import type { AuthenticationService } from '../auth/authentication.service';

export interface GraphqlContext {
  caller: Caller;
}

/** Mercurius context for HTTP requests: the caller is established once per request. */
export function graphqlContext(authentication: AuthenticationService) {
  return async (request: FastifyRequest): Promise<GraphqlContext> => ({
    caller: await authentication.callerFor(request.headers.authorization),
  });
}

/**
 * graphql-ws: the caller is established once per socket from `connection_init`'s payload
 * (`{ "authorization": "Bearer <token>" }`, the same value as the HTTP header), and every
 * operation on that socket runs as them. A refused token still connects: each operation then
 * answers with the specific reason (expired, revoked, …), as over HTTP.
 */
export function subscriptionAuthentication(authentication: AuthenticationService) {
  return {
    onConnect: async (data: { payload?: unknown }): Promise<GraphqlContext> => {
      const payload = (typeof data.payload === 'object' && data.payload !== null ? data.payload : {}) as Record<string, unknown>;
      const header = payload.authorization ?? payload.Authorization;
      return { caller: await authentication.callerFor(typeof header === 'string' ? header : undefined) };
    },
  };
}
