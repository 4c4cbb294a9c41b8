import { withClient } from '@app/testing';
import { errorCode, errorReason, register } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('personal API tokens over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  it('are shown once, stored hashed, work as Bearer tokens, cannot mint tokens, and stop working when revoked', async () => {
    const cli = await register(app, 'cli-user');
    const created = await app.graphql(
      'mutation { createApiToken(name: " laptop ") { token name apiToken { id prefix revokedAt } } }',
      {},
      cli.auth,
    );
    const { token, name, apiToken } = created.body.data!.createApiToken as {
      token: string;
      name: string;
      apiToken: { id: string; prefix: string; revokedAt: null };
    };
    expect(token).toMatch(/^pgt_[A-Za-z0-9_-]{43}$/);
    expect(name).toBe('laptop');
    expect(apiToken.prefix).toBe(token.slice(0, 8));

    const stored = await withClient(
      app.database.url,
      async (c) => (await c.query(`SELECT "tokenHash" FROM "ApiToken" WHERE id = $1`, [apiToken.id])).rows[0].tokenHash as string,
    );
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token.slice(4));

    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.graphql('{ me { handle } }', {}, bearer)).body.data).toEqual({ me: { handle: 'cli-user' } });
    const minted = await app.graphql('mutation { createApiToken(name: "more") { token } }', {}, bearer);
    expect(errorCode(minted)).toBe('FORBIDDEN');
    const loggedOut = await app.graphql('mutation { logout }', {}, bearer);
    expect(errorCode(loggedOut)).toBe('FORBIDDEN');

    const duplicate = await app.graphql('mutation { createApiToken(name: "laptop") { token } }', {}, cli.auth);
    expect([errorCode(duplicate), errorReason(duplicate)]).toEqual(['BAD_USER_INPUT', 'INVALID_TOKEN_NAME']);
    const empty = await app.graphql('mutation { createApiToken(name: "   ") { token } }', {}, cli.auth);
    expect(errorReason(empty)).toBe('INVALID_TOKEN_NAME');

    const revoked = await app.graphql('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', { id: apiToken.id }, bearer);
    expect((revoked.body.data!.revokeApiToken as { revokedAt: string }).revokedAt).toEqual(expect.any(String));
    const after = await app.graphql('{ me { handle } }', {}, bearer);
    expect([errorCode(after), errorReason(after)]).toEqual(['UNAUTHENTICATED', 'TOKEN_INVALID']);

    const actions = await withClient(app.database.url, async (c) =>
      (await c.query(`SELECT action FROM "AuditEvent" WHERE "objectId" = $1 ORDER BY id`, [apiToken.id])).rows.map((r) => r.action),
    );
    expect(actions).toEqual(['api-token.created', 'api-token.revoked']);
  });

  it('are listed newest first, page by page, to their owner only', async () => {
    const owner = await register(app, 'lister');
    for (const name of ['one', 'two', 'three']) await app.graphql(`mutation { createApiToken(name: "${name}") { token } }`, {}, owner.auth);
    const page = (first: number, after?: string) =>
      app.graphql(
        'query($f: Int!, $a: String) { me { apiTokens(first: $f, after: $a) { edges { cursor node { name prefix } } pageInfo { hasNextPage endCursor } } } }',
        { f: first, a: after },
        owner.auth,
      );
    const first = (await page(2)).body.data!.me as {
      apiTokens: { edges: Array<{ node: { name: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    };
    expect(first.apiTokens.edges.map((e) => e.node.name)).toEqual(['three', 'two']);
    expect(first.apiTokens.pageInfo.hasNextPage).toBe(true);
    const second = (await page(2, first.apiTokens.pageInfo.endCursor)).body.data!.me as typeof first;
    expect(second.apiTokens.edges.map((e) => e.node.name)).toEqual(['one']);
    expect(second.apiTokens.pageInfo.hasNextPage).toBe(false);
    expect(JSON.stringify(second)).not.toMatch(/pgt_[A-Za-z0-9_-]{43}/); // only the prefix, never the token

    const badCursor = await page(2, 'not-a-cursor');
    expect([errorCode(badCursor), errorReason(badCursor)]).toEqual(['BAD_USER_INPUT', 'INVALID_CURSOR']);
  });

  it('answers NOT_FOUND for an unknown token id and UNAUTHENTICATED without a token', async () => {
    const someone = await register(app, 'someone');
    const unknown = await app.graphql('mutation { revokeApiToken(id: "00000000-0000-0000-0000-000000000000") { id } }', {}, someone.auth);
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    const anonymous = await app.graphql('mutation { revokeApiToken(id: "00000000-0000-0000-0000-000000000000") { id } }');
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });
});
