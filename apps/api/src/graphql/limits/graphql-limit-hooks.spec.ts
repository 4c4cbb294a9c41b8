import { buildSchema, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { documentRules, graphqlLimitHooks, parseOverGraphqlWs } from './graphql-limit-hooks';
import { OperationRefused } from './limit-errors';

const schema = buildSchema(`
  type Query { me: User, users(first: Int! = 20): UserConnection! }
  type Subscription { userJoined: User! }
  type User { id: ID!, name: String!, friends(first: Int! = 20): UserConnection! }
  type UserConnection { edges: [UserEdge!]! }
  type UserEdge { node: User! }
`);
const context = {} as MercuriusContext;
const hooks = graphqlLimitHooks({ production: false });
const productionHooks = graphqlLimitHooks({ production: true });

/** What a hook threw: each error's reason (or message when it has none). */
async function refusedWith(run: () => unknown): Promise<unknown[]> {
  try {
    await run();
  } catch (error) {
    const errors = error instanceof OperationRefused ? error.errors : [error as GraphQLError];
    return errors.map((e) => e.extensions?.reason ?? e.message);
  }
  return [];
}

const aliases = (count: number) => Array.from({ length: count }, (_, i) => `a${i}: id`).join(' ');
const NESTED = 'query($n: Int!, $m: Int!) { users(first: $n) { edges { node { friends(first: $m) { edges { node { id } } } } } } }';

describe('documentRules', () => {
  it('refuse introspection in production only, and aliases always', () => {
    const reasons = (production: boolean, query: string) =>
      validate(schema, parse(query), [...specifiedRules, ...documentRules(production)]).map((e) => e.extensions.reason);
    expect(reasons(false, '{ __schema { queryType { name } } }')).toEqual([]);
    expect(reasons(true, '{ __schema { queryType { name } } }')).toEqual(['INTROSPECTION_DISABLED']);
    expect(reasons(false, `{ me { ${aliases(16)} } }`)).toEqual(['TOO_MANY_ALIASES']);
  });
});

describe('preExecution (every request, with its variables)', () => {
  it('lets an operation within the limits through', async () => {
    expect(await refusedWith(() => hooks.preExecution(schema, parse(NESTED), context, { n: 10, m: 10 }))).toEqual([]);
  });

  it('refuses by the values of the variables: cost and page size, all errors at once', async () => {
    expect(await refusedWith(() => hooks.preExecution(schema, parse(NESTED), context, { n: 100, m: 100 }))).toEqual(['QUERY_TOO_COSTLY']);
    expect(await refusedWith(() => hooks.preExecution(schema, parse(NESTED), context, { n: 100, m: 101 }))).toEqual([
      'QUERY_TOO_COSTLY',
      'PAGE_SIZE_OUT_OF_RANGE',
    ]);
  });

  it('throws an error that keeps the first refusal’s code for graphql-ws, which shows only one', async () => {
    let thrown: unknown;
    try {
      await hooks.preExecution(schema, parse('{ users(first: 0) { edges { node { id } } } }'), context, {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OperationRefused);
    expect((thrown as OperationRefused).extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE' });
    expect((thrown as OperationRefused).message).toBe('first must be between 1 and 100 (got 0)');
  });
});

describe('preValidation', () => {
  it('refuses a document that did not come from the parser (a JSON syntax tree in `query`)', async () => {
    const fromJson = JSON.parse(JSON.stringify(parse('{ me { id } }')));
    expect(await refusedWith(() => hooks.preValidation(schema, fromJson, context))).toEqual(['PREPARSED_DOCUMENT']);
    expect(await refusedWith(() => hooks.preValidation(schema, parse('{ me { id } }'), context))).toEqual([]);
  });
});

describe('subscriptions (which Mercurius neither validates nor parses with the token limit)', () => {
  it('validates them with the specified rules and the limits', async () => {
    const run = (query: string, production = false) =>
      refusedWith(() => (production ? productionHooks : hooks).preSubscriptionExecution(schema, parse(query), context, 1));
    expect(await run('subscription { userJoined { id } }')).toEqual([]);
    expect(await run(`subscription { userJoined { ${aliases(16)} } }`)).toEqual(['TOO_MANY_ALIASES']);
    expect(await run('subscription { userJoined { nme } }')).toEqual(['Cannot query field "nme" on type "User". Did you mean "name"?']);
    expect(await run('subscription { userJoined { nme } }', true)).toEqual(['Cannot query field "nme" on type "User".']);
  });
});

describe('graphql-ws documents (which Mercurius would parse whole, and refuse without a code)', () => {
  it('are refused over the token limit and the depth with the codes HTTP gives; a syntax error is GRAPHQL_PARSE_FAILED', async () => {
    const source = (tokens: number) => `subscription { userJoined { ${Array.from({ length: tokens - 6 }, () => 'id').join(' ')} } }`;
    const codeOf = (error: unknown) => (error as { extensions?: Record<string, unknown> }).extensions;
    expect(await refusedWith(() => parseOverGraphqlWs(source(2000)))).toEqual([]);
    expect(await refusedWith(() => parseOverGraphqlWs(source(2001)))).toEqual(['TOO_MANY_TOKENS']);
    const deep = `{ me { ${'friends { edges { node { '.repeat(3)} id ${'} } } '.repeat(3)} } }`;
    expect(await refusedWith(() => parseOverGraphqlWs(deep))).toEqual(['QUERY_TOO_DEEP']);
    let syntax: unknown;
    try {
      parseOverGraphqlWs('{ me {');
    } catch (error) {
      syntax = error;
    }
    expect(codeOf(syntax)).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });
});
