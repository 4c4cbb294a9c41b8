import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { register } from '../support/accounts';
import {
  aliases,
  answerOf,
  counted,
  documentWithTokens,
  getQuery,
  operationsExecuted,
  post,
  postQuery,
  refusal,
  repeat,
} from '../support/graphql-http';
import { startTestApp, type TestApp } from '../support/test-app';

// Every limit of docs/graphql-limits.md, just under and just over its number, over real HTTP (and
// graphql-ws) against the real app. "Nothing ran" is read from the real /metrics counter
// graphql_operations_total, which counts operations that reached execution. The abuse of these
// limits (cycles, batches, CSRF, guessing, …) is in test/attack/graphql-abuse.attack-spec.ts.

/** 2 × 50 × 50 = 5,000 fields through fragments, plus `extra` more (tokens and aliases stay small). */
function documentCosting(extra: number): string {
  return (
    `query { ...Fifty ...Fifty ${repeat(extra, '__typename')} } ` +
    `fragment Fifty on Query { ${repeat(50, '...FiftyTypenames')} } ` +
    `fragment FiftyTypenames on Query { ${repeat(50, '__typename')} }`
  );
}

const DEPTH_8 = '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }';
const DEPTH_9 = '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }';

describe('GraphQL limits over real HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  describe('depth ≤ 8', () => {
    it('runs a query nested 8 levels deep', async () => {
      const answer = await counted(app, () => postQuery(app, DEPTH_8));
      expect([answer.status, answer.body.errors, answer.executed]).toEqual([200, undefined, 1]);
      expect(answer.body.data).toHaveProperty('__schema.types');
    });

    it('refuses 9 levels with QUERY_TOO_DEEP and runs nothing', async () => {
      const answer = await counted(app, () => postQuery(app, DEPTH_9));
      expect([answer.status, answer.executed]).toEqual([400, 0]);
      expect(refusal(answer)).toEqual({
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'QUERY_TOO_DEEP',
        message: 'unnamedQuery query depth (9) exceeds the query depth limit of 8',
      });
    });
  });

  describe('aliases ≤ 15', () => {
    it('runs 15 aliased fields', async () => {
      const answer = await counted(app, () => postQuery(app, `{ ${aliases(15)} }`));
      expect([answer.status, answer.body.errors, answer.executed]).toEqual([200, undefined, 1]);
      expect(Object.keys(answer.body.data!)).toHaveLength(15);
    });

    it('refuses 16 aliased fields with TOO_MANY_ALIASES and runs nothing', async () => {
      const answer = await counted(app, () => postQuery(app, `{ ${aliases(16)} }`));
      expect([answer.status, answer.executed]).toEqual([400, 0]);
      expect(refusal(answer)).toEqual({
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'TOO_MANY_ALIASES',
        message: 'the operation uses 16 aliases (fragments counted at each spread); at most 15 are allowed',
      });
    });

    it('counts a fragment’s aliases at each spread: 7 × 2 + 1 runs, 8 × 2 is refused', async () => {
      const twice = (inFragment: number, outside: number) =>
        `{ ...Aliased ... on Query { ...Aliased } ${aliases(outside, 'b')} } fragment Aliased on Query { ${aliases(inFragment)} }`;
      const under = await counted(app, () => postQuery(app, twice(7, 1)));
      expect([under.status, under.body.errors, under.executed]).toEqual([200, undefined, 1]);
      const over = await counted(app, () => postQuery(app, twice(8, 0)));
      expect([over.status, over.executed]).toEqual([400, 0]);
      expect(refusal(over)).toMatchObject({ reason: 'TOO_MANY_ALIASES', message: expect.stringContaining('uses 16 aliases') });
    });
  });

  describe('cost ≤ 5,000', () => {
    it('runs an operation that costs exactly 5,000', async () => {
      const answer = await counted(app, () => postQuery(app, documentCosting(0)));
      expect([answer.status, answer.body.errors, answer.body.data, answer.executed]).toEqual([200, undefined, { __typename: 'Query' }, 1]);
    });

    it('refuses one that costs 5,001 with QUERY_TOO_COSTLY and runs nothing', async () => {
      const answer = await counted(app, () => postQuery(app, documentCosting(1)));
      expect([answer.status, answer.executed]).toEqual([400, 0]);
      expect(refusal(answer)).toEqual({
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'QUERY_TOO_COSTLY',
        message:
          'the operation costs 5,001; the limit is 5,000 (each field costs 1, and a field with `first: n` costs 1 + n × the cost of its selection)',
      });
    });
  });

  describe('tokens ≤ 2,000', () => {
    const tooManyTokens = {
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'TOO_MANY_TOKENS',
      message: 'the document has more than 2,000 tokens (parsing stopped at token 2,001); the limit is 2,000',
    };

    it('runs a document of 2,000 tokens, over POST and GET', async () => {
      for (const send of [postQuery, getQuery]) {
        const answer = await counted(app, () => send(app, documentWithTokens(2000)));
        expect([answer.status, answer.body.errors, answer.body.data, answer.executed]).toEqual([
          200,
          undefined,
          { __typename: 'Query' },
          1,
        ]);
      }
    });

    it('refuses 2,001 tokens with TOO_MANY_TOKENS, over POST and GET, and runs nothing', async () => {
      for (const send of [postQuery, getQuery]) {
        const answer = await counted(app, () => send(app, documentWithTokens(2001)));
        expect([answer.status, answer.executed]).toEqual([400, 0]);
        expect(refusal(answer)).toEqual(tooManyTokens);
      }
    });

    it('refuses a query string holding a pre-parsed JSON document, which would skip the parser', async () => {
      const ast = {
        kind: 'Document',
        definitions: [
          {
            kind: 'OperationDefinition',
            operation: 'query',
            selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: '__typename' } }] },
          },
        ],
      };
      const answer = await counted(app, () => postQuery(app, JSON.stringify(ast)));
      expect([answer.status, answer.executed]).toEqual([400, 0]);
      expect(refusal(answer)).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED', reason: 'PREPARSED_DOCUMENT' });
    });
  });

  describe('over graphql-ws', () => {
    let client: Client;

    beforeAll(() => {
      client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    });

    afterAll(async () => {
      await client.dispose();
    });

    const run = (query: string) =>
      new Promise<{ value?: unknown; error?: unknown }>((resolve) => {
        let value: unknown;
        client.subscribe({ query }, { next: (v) => (value = v), error: (error) => resolve({ error }), complete: () => resolve({ value }) });
      });

    it('runs a 2,000-token query and refuses 2,001 tokens without running it', async () => {
      const before = await operationsExecuted(app);
      expect(await run(documentWithTokens(2000))).toEqual({ value: { data: { __typename: 'Query' } } });
      expect(await operationsExecuted(app)).toBe(before + 1);
      expect(await run(documentWithTokens(2001))).toEqual({
        error: [expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_TOKENS' } })],
      });
      expect(await operationsExecuted(app)).toBe(before + 1);
    });

    it('applies the limits to subscriptions, which Mercurius does not validate itself', async () => {
      const tooManyTokens = await run(`subscription ${documentWithTokens(2001)}`);
      expect(tooManyTokens.error).toEqual([
        expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_TOKENS' } }),
      ]);
      // A subscription selects one root field; the aliases sit inside it.
      const tooManyAliases = await run(`subscription { submissionUpdated(id: "00000000-0000-0000-0000-000000000000") { ${aliases(16)} } }`);
      expect(tooManyAliases.error).toEqual([
        expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_ALIASES' } }),
      ]);
    });
  });

  describe('no array batching', () => {
    it('runs one operation sent alone (an array is refused: test/attack)', async () => {
      const answer = await counted(app, () => post(app, JSON.stringify({ query: '{ __typename }' })));
      expect([answer.status, answer.body.data, answer.executed]).toEqual([200, { __typename: 'Query' }, 1]);
    });
  });

  describe('CSRF prevention', () => {
    it('lets a text/plain POST through the CSRF check when it carries apollo-require-preflight (the body is then judged on its own)', async () => {
      const answer = await counted(app, () =>
        post(app, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' }),
      );
      expect(refusal(answer)).toEqual({ code: 'BAD_USER_INPUT', reason: undefined, message: 'body must be object' });
      expect(answer.executed).toBe(0);
    });

    it('runs a query over GET and over a JSON POST', async () => {
      const viaGet = await counted(app, () => getQuery(app, '{ __typename }'));
      expect([viaGet.status, viaGet.body.data, viaGet.executed]).toEqual([200, { __typename: 'Query' }, 1]);
      const viaPost = await counted(app, () => postQuery(app, '{ __typename }'));
      expect([viaPost.status, viaPost.body.data, viaPost.executed]).toEqual([200, { __typename: 'Query' }, 1]);
    });
  });

  describe('request body ≤ 1 MiB', () => {
    const MiB = 1_048_576;
    /** `{ "query": "{ __typename }", "variables": { "pad": "xxx…" } }` of exactly `bytes` bytes (unused variables are ignored). */
    const bodyOf = (bytes: number) => {
      const empty = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
      return JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(bytes - empty.length) } });
    };

    it('runs an operation whose body is exactly 1 MiB', async () => {
      const body = bodyOf(MiB);
      expect(Buffer.byteLength(body)).toBe(MiB);
      const answer = await counted(app, () => post(app, body));
      expect([answer.status, answer.body.data, answer.executed]).toEqual([200, { __typename: 'Query' }, 1]);
    });

    it('refuses 1 MiB + 1 byte with 413 REQUEST_BODY_TOO_LARGE, saying how large it was, and runs nothing', async () => {
      const answer = await counted(app, () => post(app, bodyOf(MiB + 1)));
      expect([answer.status, answer.executed]).toEqual([413, 0]);
      expect(refusal(answer)).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'REQUEST_BODY_TOO_LARGE',
        message: 'the request body is 1,048,577 bytes; /graphql accepts at most 1,048,576 bytes (1 MiB)',
      });
    });

    it('refuses an over-limit body sent without Content-Length (chunked) the same way', async () => {
      const bytes = new TextEncoder().encode(bodyOf(MiB + 1));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 64 * 1024) controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
          controller.close();
        },
      });
      const answer = await counted(app, () =>
        fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: stream,
          duplex: 'half',
        } as RequestInit).then(answerOf),
      );
      expect([answer.status, answer.executed]).toEqual([413, 0]);
      expect(refusal(answer)).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'REQUEST_BODY_TOO_LARGE',
        message: 'the request body is larger than 1,048,576 bytes; /graphql accepts at most 1,048,576 bytes (1 MiB)',
      });
    });
  });
});

describe('introspection and suggestions by NODE_ENV', () => {
  let production: TestApp;
  let development: TestApp;

  beforeAll(async () => {
    [production, development] = await Promise.all([startTestApp({ NODE_ENV: 'production' }), startTestApp({ NODE_ENV: 'development' })]);
  });

  afterAll(async () => {
    await Promise.all([production.stop(), development.stop()]);
  });

  it.each(['{ __schema { queryType { name } } }', '{ __type(name: "Query") { name } }'])(
    'production refuses introspection (%s) with INTROSPECTION_DISABLED and runs nothing',
    async (query) => {
      const answer = await counted(production, () => postQuery(production, query));
      expect([answer.status, answer.executed]).toEqual([400, 0]);
      expect(refusal(answer)).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'INTROSPECTION_DISABLED' });
      expect(refusal(answer).message).toMatch(/^introspection is disabled on this server \(field "__(schema|type)"\)$/);
    },
  );

  it('production still answers __typename', async () => {
    expect((await postQuery(production, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  // Production's silence is in test/attack/graphql-abuse.attack-spec.ts (field-name guessing).
  it('development suggests field names', async () => {
    const inDevelopment = await postQuery(development, '{ serverInfo { versio } }');
    expect(refusal(inDevelopment).message).toBe('Cannot query field "versio" on type "ServerInfo". Did you mean "version"?');
  });

  it('development answers introspection', async () => {
    const answer = await counted(development, () => postQuery(development, '{ __schema { queryType { name } } }'));
    expect([answer.status, answer.body.data, answer.executed]).toEqual([200, { __schema: { queryType: { name: 'Query' } } }, 1]);
  });
});

describe('page size and cost of a real list (User.apiTokens)', () => {
  let app: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    app = await startTestApp();
    auth = (await register(app, 'pager')).auth;
  });

  afterAll(async () => {
    await app.stop();
  });

  const withAuth = (query: string, variables?: Record<string, unknown>) =>
    fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query, variables }),
    }).then(answerOf);

  it.each([
    ['first: 100 runs', '{ me { apiTokens(first: 100) { edges { cursor } } } }', undefined, null],
    ['first: 1 runs', '{ me { apiTokens(first: 1) { edges { cursor } } } }', undefined, null],
    ['first: 101 is refused', '{ me { apiTokens(first: 101) { edges { cursor } } } }', undefined, 'PAGE_SIZE_OUT_OF_RANGE'],
    ['first: 0 is refused', '{ me { apiTokens(first: 0) { edges { cursor } } } }', undefined, 'PAGE_SIZE_OUT_OF_RANGE'],
    [
      'first: $n = 101 is refused',
      'query($n: Int!) { me { apiTokens(first: $n) { edges { cursor } } } }',
      { n: 101 },
      'PAGE_SIZE_OUT_OF_RANGE',
    ],
  ])('%s', async (_case, query, variables, reason) => {
    const answer = await counted(app, () => withAuth(query, variables));
    if (reason === null) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.executed).toBe(1);
    } else {
      expect(refusal(answer)).toMatchObject({ code: 'BAD_USER_INPUT', reason });
      expect(answer.status).toBe(400);
      expect(answer.executed).toBe(0);
    }
  });

  // cost = me (1) + apiTokens (1 + n × (edges (1 + node (1 + 48 spreads of 1 field)))) = 2 + 50n.
  const costly = `query($n: Int!) { me { apiTokens(first: $n) { edges { node { ${repeat(48, '...T')} } } } } } fragment T on ApiToken { name }`;

  it('a list whose cost is 4,952 (first: 99) runs', async () => {
    const answer = await counted(app, () => withAuth(costly, { n: 99 }));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.executed).toBe(1);
  });

  it('the same list at 5,002 (first: 100) is refused with QUERY_TOO_COSTLY and nothing runs', async () => {
    const answer = await counted(app, () => withAuth(costly, { n: 100 }));
    expect(refusal(answer)).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' });
    expect(answer.executed).toBe(0);
  });
});
