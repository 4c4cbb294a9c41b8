import { register } from '../support/accounts';
import {
  aliases,
  counted,
  documentWithTokens,
  getQuery,
  post,
  postQuery,
  refusal,
  repeat,
  rowCounts,
  socketClient,
  type Answer,
  type Body,
} from '../support/graphql-http';
import { startTestApp, type TestApp } from '../support/test-app';

// A hostile client against /graphql: documents built to cost the server (cycles, aliases,
// duplicates, directives, introspection loops, huge pages and bodies), requests built to slip past
// its rules (batches, GET mutations, cross-site "simple" POSTs) and guessing at the schema in
// production. Each is refused with its code before anything runs ("executed" 0 on /metrics), and
// the mutations among them leave every table as it was.

/** A mutation an anonymous caller could run: it stores a user (and a session) if it ever runs. */
const REGISTER =
  'mutation { register(input: { email: "csrf@example.com", handle: "csrf-victim", password: "correct horse battery staple" }) { accessToken } }';
const STORED = ['User', 'Session', 'AuditEvent'];

describe('GraphQL abuse', () => {
  let app: TestApp;
  let production: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    [app, production] = await Promise.all([startTestApp(), startTestApp({ NODE_ENV: 'production' })]);
    auth = (await register(app, 'abuser')).auth;
  });

  afterAll(async () => {
    await Promise.all([app.stop(), production.stop()]);
  });

  /** Sends a refused request; checks nothing ran and no table changed, and returns the answer. */
  async function refused(target: TestApp, send: () => Promise<Answer>): Promise<Answer> {
    const before = await rowCounts(target, ...STORED);
    const answer = await counted(target, send);
    expect(answer.executed).toBe(0);
    expect(await rowCounts(target, ...STORED)).toEqual(before);
    return answer;
  }

  it('a depth cycle (team → members → team → …, 20 levels) is refused with QUERY_TOO_DEEP', async () => {
    const cycle = `{ me { ${repeat(10, 'team { members {', ' ')} handle ${repeat(10, '} }', ' ')} } }`;
    const answer = await refused(app, () => post(app, JSON.stringify({ query: cycle }), { 'content-type': 'application/json', ...auth }));
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' });
  });

  it('a fragment cycle (A spreads B spreads A) is refused by validation, without the limit rules looping on it', async () => {
    const cycle = '{ ...A } fragment A on Query { serverInfo { version } ...B } fragment B on Query { a1: __typename ...A }';
    const answer = await refused(app, () => postQuery(app, cycle));
    expect(answer.status).toBe(400);
    expect(answer.body.errors!.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(answer.body.errors![0]!.message).toBe('Cannot spread fragment "A" within itself via "B".');
  });

  it('101 aliases of one field are refused with TOO_MANY_ALIASES', async () => {
    const answer = await refused(app, () => postQuery(app, `{ ${aliases(101)} }`));
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'TOO_MANY_ALIASES',
      message: expect.stringContaining('uses 101 aliases'),
    });
  });

  it('500 duplicated copies of a 100-item list (through fragment spreads, which merge) are refused with QUERY_TOO_COSTLY', async () => {
    const document = `{ ${repeat(500, '...Page')} } fragment Page on Query { challenges(first: 100) { edges { node { slug } } } }`;
    const answer = await refused(app, () => postQuery(app, document));
    expect(answer.status).toBe(400);
    // Each spread costs 1 + 100 × 3 = 301: merged fields are still counted one by one.
    expect(refusal(answer)).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'QUERY_TOO_COSTLY',
      message: expect.stringContaining('150,500'),
    });
  });

  it('a directive overload (240 directives on one field) is refused by validation', async () => {
    const document = `{ __typename ${repeat(120, '@include(if: true)')} ${repeat(120, '@skip(if: false)')} }`;
    const answer = await refused(app, () => postQuery(app, document));
    expect(answer.status).toBe(400);
    // graphql-js stops validating at 100 errors and says so: the work is bounded whatever the count.
    expect(answer.body.errors).toHaveLength(101);
    expect(new Set(answer.body.errors!.map((e) => e.message))).toEqual(
      new Set([
        'The directive "@include" can only be used once at this location.',
        'Too many validation errors, error limit reached. Validation aborted.',
      ]),
    );
    expect(new Set(answer.body.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
  });

  it('array batching is refused whole with BATCHING_NOT_ALLOWED: none of its operations runs', async () => {
    const batch = JSON.stringify([{ query: '{ __typename }' }, { query: REGISTER }]);
    const answer = await refused(app, () => post(app, batch));
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toEqual({
      code: 'BAD_REQUEST',
      reason: 'BATCHING_NOT_ALLOWED',
      message: 'the body is an array of 2 operations; batching is not allowed, send one operation per request',
    });
  });

  it('circular introspection (types → fields → type → fields …) is refused as too deep, and in production as introspection', async () => {
    // graphql-js's own rule stops the fields → type → fields loop before the depth limit does.
    const loopTooDeep = { code: 'GRAPHQL_VALIDATION_FAILED', reason: undefined, message: 'Maximum introspection depth exceeded' };
    const loops: Array<[string, Record<string, unknown>]> = [
      ['{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }', loopTooDeep],
      ['{ __type(name: "Query") { fields { type { fields { type { fields { type { name } } } } } } } }', loopTooDeep],
      [
        '{ __schema { types { ...T } } } fragment T on __Type { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } }',
        expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' }),
      ],
    ];
    for (const [query, expected] of loops) {
      const answer = await refused(app, () => postQuery(app, query));
      expect([answer.status, refusal(answer)]).toEqual([400, expected]);
      const inProduction = await refused(production, () => postQuery(production, query));
      expect(inProduction.status).toBe(400);
      expect(inProduction.body.errors!.map((e) => e.extensions?.reason)).toContain('INTROSPECTION_DISABLED');
    }
  });

  it('field-name guessing in production gets no "Did you mean" (fields, arguments, enum values, input fields)', async () => {
    const guesses: Array<[string, Record<string, unknown> | undefined, string]> = [
      ['{ serverInfo { versio } }', undefined, 'Cannot query field "versio" on type "ServerInfo".'],
      ['{ me { passwordHas } }', undefined, 'Cannot query field "passwordHas" on type "User".'],
      ['{ challenge(slu: "x") { slug } }', undefined, 'Unknown argument "slu" on field "Query.challenge".'],
      ['{ leaderboard(scope: GLOBA) { edges { cursor } } }', undefined, 'Value "GLOBA" does not exist in "LeaderboardScope" enum.'],
      [
        'mutation($i: LoginInput!) { login(input: $i) { accessToken } }',
        { i: { emai: 'a@example.com', password: 'x' } },
        'Variable "$i" got invalid value { emai: "a@example.com", password: "x" }; Field "email" of required type "String!" was not provided.',
      ],
    ];
    for (const [query, variables, message] of guesses) {
      const answer = await refused(production, () => postQuery(production, query, variables));
      expect(answer.status).toBe(400);
      const errors = answer.body.errors!;
      expect(errors.map((e) => e.message).join('\n')).not.toMatch(/Did you mean/);
      expect(errors.map((e) => e.message)).toContain(message);
      expect(errors.every((e) => typeof e.extensions?.code === 'string')).toBe(true);
    }
  });

  it('first: 99999999 is refused with PAGE_SIZE_OUT_OF_RANGE, as a literal and as a variable', async () => {
    for (const [query, variables] of [
      ['{ challenges(first: 99999999) { edges { node { slug } } } }', undefined],
      ['query($n: Int!) { leaderboard(scope: GLOBAL, first: $n) { edges { cursor } } }', { n: 99_999_999 }],
    ] as const) {
      const answer = await refused(app, () => postQuery(app, query, variables));
      expect(answer.status).toBe(400);
      expect(refusal(answer)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAGE_SIZE_OUT_OF_RANGE' });
    }
  });

  it('a 1 MiB document is refused with TOO_MANY_TOKENS: parsing stops at token 2,001', async () => {
    const huge = `{ ${repeat(450_000, 'a')} }`;
    const answer = await refused(app, () => postQuery(app, huge));
    expect([answer.status, refusal(answer)]).toEqual([
      400,
      {
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'TOO_MANY_TOKENS',
        message: 'the document has more than 2,000 tokens (parsing stopped at token 2,001); the limit is 2,000',
      },
    ]);
  });

  it('a mutation over GET is refused with MUTATION_OVER_GET (405), even with a preflight header', async () => {
    for (const headers of [{}, { 'apollo-require-preflight': 'true' }] as Array<Record<string, string>>) {
      const answer = await refused(app, () => getQuery(app, REGISTER, headers));
      expect(answer.status).toBe(405);
      expect(refusal(answer)).toMatchObject({ code: 'BAD_REQUEST', reason: 'MUTATION_OVER_GET' });
    }
  });

  describe('cross-site "simple" POSTs without a preflight header (CSRF)', () => {
    const form = () => {
      const data = new FormData();
      data.set('operations', JSON.stringify({ query: REGISTER }));
      data.set('map', '{}');
      return data;
    };
    const simpleRequests: Array<[string, () => { body: Body; headers: Record<string, string> }]> = [
      ['text/plain', () => ({ body: JSON.stringify({ query: REGISTER }), headers: { 'content-type': 'text/plain' } })],
      [
        'application/x-www-form-urlencoded',
        () => ({ body: `query=${encodeURIComponent(REGISTER)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      ],
      ['multipart/form-data', () => ({ body: form(), headers: {} })],
    ];

    it.each(simpleRequests)('a %s POST of a mutation is refused with CSRF_PREFLIGHT_REQUIRED', async (type, request) => {
      const { body, headers } = request();
      const answer = await refused(app, () => post(app, body, headers));
      expect(answer.status).toBe(400);
      expect(refusal(answer)).toMatchObject({ code: 'BAD_REQUEST', reason: 'CSRF_PREFLIGHT_REQUIRED' });
      expect(refusal(answer).message).toContain(`content-type ${type}`);
    });
  });

  describe('over graphql-ws (no HTTP formatter on that path)', () => {
    it('a 2,001-token mutation is refused with the code and reason HTTP gives (TOO_MANY_TOKENS)', async () => {
      const socket = socketClient(app);
      try {
        const padded = REGISTER.replace('{ accessToken }', `{ accessToken ${repeat(1990, '__typename')} }`);
        const before = await rowCounts(app, ...STORED);
        expect(await counted(app, () => socket.run(padded))).toEqual({
          error: [
            expect.objectContaining({
              message: 'the document has more than 2,000 tokens (parsing stopped at token 2,001); the limit is 2,000',
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_TOKENS' },
            }),
          ],
          executed: 0,
        });
        expect(await rowCounts(app, ...STORED)).toEqual(before);
        // The document just under the limit runs on the same socket.
        expect(await socket.run(documentWithTokens(2000))).toEqual({ value: { data: { __typename: 'Query' } } });
      } finally {
        await socket.client.dispose();
      }
    });

    it('a 1 MiB document is refused with TOO_MANY_TOKENS without being parsed whole: the event loop is never held', async () => {
      const socket = socketClient(app);
      // The server runs in this process: the longest gap between ticks of a 10 ms timer is how long
      // its event loop was held. Parsing all 450,000 tokens holds it for about 2 s on this machine.
      let last = performance.now();
      let longestGap = 0;
      const ticks = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
      }, 10);
      try {
        expect(await socket.run('{ __typename }')).toEqual({ value: { data: { __typename: 'Query' } } });
        for (const document of [`{ ${repeat(450_000, 'a')} }`, `subscription { ${repeat(450_000, 'a')} }`]) {
          last = performance.now();
          longestGap = 0;
          expect(await counted(app, () => socket.run(document))).toEqual({
            error: [expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_TOKENS' } })],
            executed: 0,
          });
          // Generous: a JSON.parse of the 1 MiB message and a parse stopped at token 2,001 take milliseconds.
          expect(longestGap).toBeLessThan(500);
        }
      } finally {
        clearInterval(ticks);
        await socket.client.dispose();
      }
    });

    it('a depth cycle is refused with QUERY_TOO_DEEP, as a query and as a subscription', async () => {
      const socket = socketClient(app, auth.authorization);
      try {
        const cycle = `me { ${repeat(10, 'team { members {', ' ')} handle ${repeat(10, '} }', ' ')} }`;
        const subscriptionCycle = `subscription { submissionUpdated(id: "00000000-0000-0000-0000-000000000000") { review { learner { ${repeat(5, 'team { members {', ' ')} handle ${repeat(5, '} }', ' ')} } } } }`;
        for (const document of [`{ ${cycle} }`, subscriptionCycle]) {
          expect(await counted(app, () => socket.run(document))).toEqual({
            error: [expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' } })],
            executed: 0,
          });
        }
      } finally {
        await socket.client.dispose();
      }
    });

    it('101 aliases and production field-name guessing are refused with their codes, without suggestions', async () => {
      const socket = socketClient(app);
      const inProduction = socketClient(production);
      try {
        expect(await counted(app, () => socket.run(`{ ${aliases(101)} }`))).toEqual({
          error: [expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_ALIASES' } })],
          executed: 0,
        });
        expect(await counted(production, () => inProduction.run('{ serverInfo { versio } }'))).toEqual({
          error: [
            expect.objectContaining({
              message: 'Cannot query field "versio" on type "ServerInfo".',
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          ],
          executed: 0,
        });
      } finally {
        await Promise.all([socket.client.dispose(), inProduction.client.dispose()]);
      }
    });
  });
});
