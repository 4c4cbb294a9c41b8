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
