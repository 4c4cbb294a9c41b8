import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { withClient } from '@app/testing';
import type { TestApp } from './test-app';

/**
 * GraphQL as a hostile or careless client sends it: raw bodies and content types over HTTP, and
 * graphql-ws. "Nothing ran" is read from the real /metrics counter graphql_operations_total, which
 * counts operations that reached execution; "nothing stored" from row counts.
 */

export interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

export type Body = NonNullable<RequestInit['body']>;

export async function operationsExecuted(app: Pick<TestApp, 'url'>): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('graphql_operations_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** The answer to `send`, and how many operations the server executed while answering it. */
export async function counted<T>(app: Pick<TestApp, 'url'>, send: () => Promise<T>): Promise<T & { executed: number }> {
  const before = await operationsExecuted(app);
  const answer = await send();
  return { ...answer, executed: (await operationsExecuted(app)) - before };
}

export async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

export function post(
  app: Pick<TestApp, 'url'>,
  body: Body,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  return fetch(`${app.url}/graphql`, { method: 'POST', headers, body }).then(answerOf);
}

export function postQuery(app: Pick<TestApp, 'url'>, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  return post(app, JSON.stringify({ query, variables }));
}

export function getQuery(app: Pick<TestApp, 'url'>, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  return fetch(`${app.url}/graphql?query=${encodeURIComponent(query)}`, { headers }).then(answerOf);
}

/** The one error of a refused request: its code, reason and message. */
export function refusal(answer: Answer) {
  if (answer.body.errors?.length !== 1) throw new Error(`expected exactly one error, got ${JSON.stringify(answer.body)}`);
  const [error] = answer.body.errors;
  return { code: error!.extensions?.code, reason: error!.extensions?.reason, message: error!.message };
}

export const repeat = (times: number, text: string, separator = ' ') => Array.from({ length: times }, () => text).join(separator);
export const aliases = (count: number, prefix = 'a') => Array.from({ length: count }, (_, i) => `${prefix}${i}: __typename`).join(' ');

/**
 * An executable document of exactly `tokens` lexical tokens, short enough for a GET URL:
 * `{__typename}` is 3 tokens, each `__typename@include(if:true)` adds 8, each `__typename` 1
 * (commas are insignificant, like spaces).
 */
export function documentWithTokens(tokens: number): string {
  const directives = Math.floor((tokens - 3) / 8);
  const plain = (tokens - 3) % 8;
  return `{__typename,${repeat(directives, '__typename@include(if:true)', ',')},${repeat(plain, '__typename', ',')}}`;
}

export interface SocketAnswer {
  value?: { data?: unknown; errors?: unknown };
  error?: unknown;
}

/** A graphql-ws client on `app`, signed in with `authorization` in connection_init (if given). */
export function socketClient(
  app: Pick<TestApp, 'url'>,
  authorization?: string,
): { run(query: string, variables?: Record<string, unknown>): Promise<SocketAnswer>; client: WsClient } {
  const client = createClient({
    url: `${app.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: authorization ? { authorization } : {},
  });
  const run = (query: string, variables?: Record<string, unknown>) =>
    new Promise<SocketAnswer>((resolve) => {
      let value: SocketAnswer['value'];
      client.subscribe(
        { query, variables },
        { next: (v) => (value = v as SocketAnswer['value']), error: (error) => resolve({ error }), complete: () => resolve({ value }) },
      );
    });
  return { run, client };
}

/** Row counts of `tables`, to show that a refused request stored nothing. */
export async function rowCounts(app: Pick<TestApp, 'database'>, ...tables: string[]): Promise<Record<string, number>> {
  return withClient(app.database.url, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await client.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n as number;
    return counts;
  });
}
