import { createClient } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import { withClient } from '@app/testing';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the API over real HTTP and WebSocket', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  it('answers { __typename } and serverInfo over POST /graphql', async () => {
    const { status, body } = await app.graphql('{ __typename serverInfo { version startedAt } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      __typename: 'Query',
      serverInfo: { version: expect.stringMatching(/^\d+\.\d+\.\d+/), startedAt: expect.any(String) },
    });
  });

  it('speaks graphql-ws (graphql-transport-ws) on the same path: queries, and refused subscriptions', async () => {
    // Here the protocol over a real WebSocket is what is proven; real subscriptions (submission
    // progress) are in scoring.e2e-spec.ts.
    let acknowledged = false;
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { connected: () => (acknowledged = true) },
    });
    const run = (query: string) =>
      new Promise<{ value?: unknown; error?: unknown }>((resolve) => {
        let value: unknown;
        client.subscribe({ query }, { next: (v) => (value = v), error: (error) => resolve({ error }), complete: () => resolve({ value }) });
      });
    try {
      expect(await run('{ __typename serverInfo { version } }')).toEqual({
        value: { data: { __typename: 'Query', serverInfo: { version: expect.any(String) } } },
      });
      expect(acknowledged).toBe(true);
      const refused = await run('subscription { noSuchEvent }');
      expect(refused.error).toEqual([expect.objectContaining({ message: 'Cannot query field "noSuchEvent" on type "Subscription".' })]);
    } finally {
      await client.dispose();
    }
  });

  it('answers a syntax error with 400 and GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await app.graphql('{ serverInfo { version ');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers an unknown field with 400 and GRAPHQL_VALIDATION_FAILED, without leaking internals', async () => {
    const { status, body } = await app.graphql('{ serverInfo { secretKey } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/stack|\/work\/|node_modules|SELECT /);
  });

  it('answers a variable that does not fit its type with 400 BAD_USER_INPUT / INVALID_VARIABLE, not a server error', async () => {
    for (const [query, variables] of [
      ['query($n: Int!) { challenges(first: $n) { edges { cursor } } }', { n: 1.5 }],
      ['query($n: Int!) { challenges(first: $n) { edges { cursor } } }', { n: 'x' }],
      ['query($k: ChallengeKind) { challenges(kind: $k, first: 1) { edges { cursor } } }', { k: 'OPTIMIZE_MODELS' }],
    ] as const) {
      const { status, body } = await app.graphql(query, variables);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_VARIABLE' });
      expect(body.errors?.[0]?.message).toMatch(/^Variable "\$[nk]" got invalid value/);
    }
  });

  it('refuses a query nested deeper than 8 levels with QUERY_TOO_DEEP', async () => {
    const deep = '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }';
    const { status, body } = await app.graphql(deep);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_DEEP' });
    expect(body.errors?.[0]?.message).toBe('unnamedQuery query depth (10) exceeds the query depth limit of 8');
  });

  it('answers an unknown route with a JSON NOT_FOUND error and a request id', async () => {
    const response = await fetch(`${app.url}/no-such-thing`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('echoes a plain x-request-id and replaces a hostile one', async () => {
    const plain = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'client-abc.123' } });
    expect(plain.headers.get('x-request-id')).toBe('client-abc.123');
    const hostile = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'a'.repeat(500) } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports liveness and readiness', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', queue: 'ok', migrations: 'current', process: 'serving' });
  });

  it('counts HTTP requests and GraphQL operations in /metrics', async () => {
    await app.graphql('query ServerVersion { serverInfo { version } }');
    await app.graphql('{ nope }');
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/graphql",status="200"\} [1-9]/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/graphql",status="400"\} [1-9]/);
    expect(text).toMatch(/graphql_operations_total\{type="query",name="ServerVersion",outcome="ok"\} 1/);
    expect(text).toMatch(/graphql_operation_duration_seconds_bucket\{le="\+Inf",type="query",name="ServerVersion",outcome="ok"\} 1/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds/);
  });

  it('reports not ready (503) while a migration of this build is not applied', async () => {
    const [first] = await withClient(app.database.url, async (client) => (await client.query(`SELECT * FROM "_prisma_migrations"`)).rows);
    await withClient(app.database.url, (client) => client.query(`DELETE FROM "_prisma_migrations" WHERE id = $1`, [first.id]));
    try {
      const response = await fetch(`${app.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: 'not-ready',
        migrations: 'pending',
        pendingMigrations: [first.migration_name],
      });
    } finally {
      await withClient(app.database.url, (client) =>
        client.query(`INSERT INTO "_prisma_migrations" SELECT * FROM json_populate_record(NULL::"_prisma_migrations", $1)`, [
          JSON.stringify(first),
        ]),
      );
    }
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });
});

describe('logs', () => {
  it('are JSON lines that carry the request id the client sees', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const app = await startTestApp({ LOG_LEVEL: 'info' }, logger);
    try {
      const response = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'trace-me-1' } });
      expect(response.headers.get('x-request-id')).toBe('trace-me-1');
      const entries = lines.map((line) => JSON.parse(line) as { reqId?: string; msg: string; res?: { statusCode: number } });
      expect(entries).toContainEqual(expect.objectContaining({ reqId: 'trace-me-1', msg: 'request completed', res: { statusCode: 200 } }));
    } finally {
      await app.stop();
    }
  });
});

describe('readiness when the database goes away', () => {
  it('answers 503 with database unreachable, and liveness stays 200', async () => {
    const app = await startTestApp();
    try {
      await app.database.drop();
      const response = await fetch(`${app.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'not-ready', database: 'unreachable' });
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
