import { createHmac } from 'node:crypto';
import { withClient } from '@app/testing';
import type { GraphqlResponse, TestApp } from './test-app';

export interface Account {
  id: string;
  handle: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `Authorization` header for this account's access token. */
  auth: Record<string, string>;
}

const AUTH_FIELDS = 'accessToken refreshToken user { id handle role }';

/** Registers through the public API, as a client would. */
export async function register(app: Pick<TestApp, 'graphql'>, handle: string, password = 'correct horse battery staple'): Promise<Account> {
  const email = `${handle}@example.com`;
  const { body } = await app.graphql(`mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`, {
    input: { email, handle, password },
  });
  if (!body.data) throw new Error(`register ${handle} failed: ${JSON.stringify(body.errors)}`);
  const payload = body.data.register as { accessToken: string; refreshToken: string; user: { id: string } };
  return { id: payload.user.id, handle, email, password, ...payload, auth: { authorization: `Bearer ${payload.accessToken}` } };
}

export async function login(app: TestApp, email: string, password: string): Promise<GraphqlResponse> {
  return app.graphql(`mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`, { input: { email, password } });
}

export function errorCode(response: GraphqlResponse): unknown {
  return response.body.errors?.[0]?.extensions?.code;
}

export function errorReason(response: GraphqlResponse): unknown {
  return response.body.errors?.[0]?.extensions?.reason;
}

/** Promotes an account directly in the database (the first admin comes from ADMIN_EMAILS; this is faster in tests). */
export async function makeRole(app: TestApp, account: Account, role: 'LEARNER' | 'MENTOR' | 'ADMIN'): Promise<void> {
  await withClient(app.database.url, (client) => client.query(`UPDATE "User" SET role = $2 WHERE id = $1`, [account.id, role]));
}

/** The access-token signing key, read from the database (to forge tokens that differ in one claim only). */
export async function signingKey(app: TestApp): Promise<string> {
  return withClient(
    app.database.url,
    async (client) => (await client.query(`SELECT secret FROM "SigningKey" WHERE purpose = 'access-token-hs256'`)).rows[0].secret,
  );
}

/** A JWT built by hand: any header, any claims, HMAC with `key` (or no signature for alg none). */
export function forgeJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key?: string,
  hash: 'sha256' | 'sha512' = 'sha256',
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(claims)}`;
  const signature = key === undefined ? '' : createHmac(hash, key).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

/** The claims inside a JWT (no verification). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}
