import { GraphQLError, parse, type ExecutionResult } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { CommonErrorCode, DomainError } from '@app/domain';
import { graphqlErrorFormatter } from './graphql-error-formatter';
import { limitError, OperationRefused } from './limits/limit-errors';
import { refuseBatches } from './limits/request-guards';

const context = { reply: { request: { id: 'req-1' } } } as unknown as MercuriusContext;
const format = graphqlErrorFormatter({ hideSuggestions: false });
const formatInProduction = graphqlErrorFormatter({ hideSuggestions: true });

/** What Mercurius hands the formatter for an error thrown before execution (its `toGraphQLError`). */
const thrown = (error: Error) => new GraphQLError(error.message, { originalError: error });
/** Mercurius's MER_ERR_GQL_VALIDATION: every validation error of a request in one. */
const mercuriusValidation = (errors: unknown[]) =>
  thrown(Object.assign(new Error('Graphql validation error'), { code: 'MER_ERR_GQL_VALIDATION', errors }));

function answer(errors: GraphQLError[], data?: ExecutionResult['data'], formatter = format) {
  const { statusCode, response } = formatter({ errors, ...(data === undefined ? {} : { data }) }, context);
  const [first] = response.errors as unknown as Array<{ message: string; extensions?: Record<string, unknown> }>;
  return {
    statusCode,
    code: first?.extensions?.code,
    reason: first?.extensions?.reason,
    message: first?.message,
    count: response.errors?.length,
  };
}

function syntaxError(source: string, maxTokens?: number): GraphQLError {
  try {
    parse(source, { maxTokens });
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('parsed');
}

describe('the GraphQL error formatter', () => {
  it('maps graphql-js’s token-limit abort to TOO_MANY_TOKENS, and other syntax errors to GRAPHQL_PARSE_FAILED', () => {
    const tokens = `{ ${Array.from({ length: 2000 }, () => 'a').join(' ')} }`;
    expect(answer([mercuriusValidation([syntaxError(tokens, 2000)])])).toEqual({
      statusCode: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'TOO_MANY_TOKENS',
      message: 'the document has more than 2,000 tokens (parsing stopped at token 2,001); the limit is 2,000',
      count: 1,
    });
    expect(answer([mercuriusValidation([syntaxError('{ a')])])).toMatchObject({
      statusCode: 400,
      code: 'GRAPHQL_PARSE_FAILED',
      reason: undefined,
    });
  });

  it('names an input field the type does not have (mass assignment) UNKNOWN_INPUT_FIELD, in a literal and in a variable', () => {
    const literal = new GraphQLError('Field "status" is not defined by type "SubmitModelInput".');
    expect(answer([mercuriusValidation([literal])])).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'UNKNOWN_INPUT_FIELD' });
    const coercion = new GraphQLError(
      'Variable "$i" got invalid value { role: "ADMIN" }; Field "role" is not defined by type "RegisterInput".',
    );
    const variable = new GraphQLError(coercion.message, { originalError: coercion });
    expect(answer([variable])).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_INPUT_FIELD' });
  });

  it('passes the code and reason of the limit rules through, unwrapping every error of the request', () => {
    const errors = [
      limitError({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' }, 'the operation costs 5,001; …'),
      limitError({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE' }, 'first must be between 1 and 100 (got 0)'),
    ];
    const { statusCode, response } = format({ errors: [thrown(new OperationRefused(errors))] }, context);
    expect(statusCode).toBe(400);
    expect(response.errors?.map((e) => e.extensions)).toEqual([
      { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' },
      { code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE' },
    ]);
  });

  it('answers Fastify-hook refusals with their own status', async () => {
    const refused = await refuseBatches({ method: 'POST', body: [{}, {}, {}] } as unknown as Parameters<typeof refuseBatches>[0]).catch(
      (e: Error) => e,
    );
    expect(answer([thrown(refused as Error)])).toEqual({
      statusCode: 400,
      code: 'BAD_REQUEST',
      reason: 'BATCHING_NOT_ALLOWED',
      message: 'the body is an array of 3 operations; batching is not allowed, send one operation per request',
      count: 1,
    });
  });

  it('maps Mercurius’s depth limit and GET mutation refusals', () => {
    const depth = Object.assign(new Error('unnamedQuery query depth (9) exceeds the query depth limit of 8'), {
      code: 'MER_ERR_GQL_QUERY_DEPTH',
    });
    expect(answer([mercuriusValidation([depth])])).toMatchObject({
      statusCode: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'QUERY_TOO_DEEP',
    });
    const getMutation = Object.assign(new Error('Method not allowed'), {
      code: 'MER_ERR_METHOD_NOT_ALLOWED',
      errors: [new Error('Operation cannot be performed via a GET request')],
    });
    expect(answer([thrown(getMutation)])).toMatchObject({ statusCode: 405, code: 'BAD_REQUEST', reason: 'MUTATION_OVER_GET' });
  });

  it('maps Fastify’s bodyLimit error (a chunked body) to REQUEST_BODY_TOO_LARGE with 413', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(answer([thrown(tooLarge)])).toEqual({
      statusCode: 413,
      code: 'BAD_USER_INPUT',
      reason: 'REQUEST_BODY_TOO_LARGE',
      message: 'the request body is larger than 1,048,576 bytes; /graphql accepts at most 1,048,576 bytes (1 MiB)',
      count: 1,
    });
  });

  it('answers 200 once execution has started, with the domain code of a resolver error', () => {
    const inResolver = new GraphQLError('no such team', {
      path: ['team'],
      originalError: new DomainError(CommonErrorCode.NotFound, 'no such team'),
    });
    expect(answer([inResolver], { team: null })).toMatchObject({ statusCode: 200, code: 'NOT_FOUND', reason: 'NOT_FOUND' });
  });

  it('hides "Did you mean …?" when asked to (production), wherever graphql-js put it', () => {
    const unknownField = new GraphQLError('Cannot query field "versio" on type "ServerInfo". Did you mean "version"?');
    const badEnum = new GraphQLError(
      'Variable "$role" got invalid value "ADMN"; Value "ADMN" does not exist in "Role" enum. Did you mean the enum value "ADMIN"?',
    );
    expect(answer([mercuriusValidation([unknownField])], undefined, formatInProduction).message).toBe(
      'Cannot query field "versio" on type "ServerInfo".',
    );
    expect(answer([mercuriusValidation([badEnum])], undefined, formatInProduction).message).toBe(
      'Variable "$role" got invalid value "ADMN"; Value "ADMN" does not exist in "Role" enum.',
    );
    expect(answer([mercuriusValidation([unknownField])]).message).toContain('Did you mean "version"?');
  });
});
