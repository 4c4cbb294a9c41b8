import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor, DomainError } from '@app/domain';

/**
 * Who called, as established once per request from its `Authorization` header: an actor, or
 * nobody, or the reason a presented token was refused (so services can say "token expired"
 * rather than just "sign in").
 */
export interface Caller {
  actor: Actor | null;
  failure: DomainError | null;
}

export const ANONYMOUS: Caller = { actor: null, failure: null };

/** The request's Caller, for resolvers (put into the GraphQL context by graphql.config.ts). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const graphql = GqlExecutionContext.create(context).getContext<{ caller?: Caller }>();
  return graphql.caller ?? ANONYMOUS;
});
