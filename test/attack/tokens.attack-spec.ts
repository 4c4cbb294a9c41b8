import { randomBytes } from 'node:crypto';
import { withClient } from '@app/testing';
import { claimsOf, errorCode, errorReason, forgeJwt, login, register, signingKey, type Account } from '../support/accounts';
import { rowCounts, socketClient, type SocketAnswer } from '../support/graphql-http';
import { startTestApp, type TestApp } from '../support/test-app';

// Stolen, forged and replayed tokens, over HTTP and over graphql-ws (where the token travels in
// connection_init). Each is refused as UNAUTHENTICATED with its reason, and a mutation sent with
// it stores nothing.

const ME = '{ me { id handle role email } }';
const CREATE_TEAM = 'mutation($s: String!) { createTeam(input: { name: "Forged", slug: $s }) { slug } }';

describe('token attacks', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  const refresh = (refreshToken: string) =>
    app.graphql('mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { handle } } }', {
      t: refreshToken,
    });
  const me = (accessToken?: string) => app.graphql(ME, {}, accessToken ? { authorization: `Bearer ${accessToken}` } : {});

  /** A fresh account, and what forging its tokens takes: the signing key and its genuine claims. */
  async function forgeryKit(handle: string): Promise<{ victim: Account; key: string; claims: Record<string, unknown> }> {
    const victim = await register(app, handle);
    return { victim, key: await signingKey(app), claims: claimsOf(victim.accessToken) };
  }

  /** Tries to create a team with `token`: refused as UNAUTHENTICATED, no team, membership or audit row written. */
  async function mutationRefused(token: string): Promise<unknown> {
    const before = await rowCounts(app, 'Team', 'Membership', 'AuditEvent');
    const answer = await app.graphql(CREATE_TEAM, { s: `forged-${randomBytes(3).toString('hex')}` }, { authorization: `Bearer ${token}` });
    expect([errorCode(answer), answer.body.data]).toEqual(['UNAUTHENTICATED', null]);
    expect(await rowCounts(app, 'Team', 'Membership', 'AuditEvent')).toEqual(before);
    return errorReason(answer);
  }

  it('a reused refresh token ends every session of the account (REFRESH_TOKEN_REUSED), access and refresh tokens alike', async () => {
    const ada = await register(app, 'ada');
    expect((await me(ada.accessToken)).body.data).toEqual({ me: { id: ada.id, handle: 'ada', role: 'LEARNER', email: 'ada@example.com' } });

    const loggedIn = await login(app, 'ADA@example.com', ada.password);
    const second = loggedIn.body.data!.login as { accessToken: string; refreshToken: string };
    expect(second.accessToken).not.toBe(ada.accessToken);

    const firstRefresh = await refresh(second.refreshToken);
    const r1 = firstRefresh.body.data!.refreshToken as { accessToken: string; refreshToken: string };
    const secondRefresh = await refresh(r1.refreshToken);
    const r2 = secondRefresh.body.data!.refreshToken as { accessToken: string; refreshToken: string };
    expect((await me(r2.accessToken)).body.data).toMatchObject({ me: { handle: 'ada' } });

    // The first refresh token was used already: presenting it again is theft or a bug.
    const reused = await refresh(second.refreshToken);
    expect(errorCode(reused)).toBe('UNAUTHENTICATED');
    expect(errorReason(reused)).toBe('REFRESH_TOKEN_REUSED');

    // Every session of the account has ended: the registration's and the login's, access and refresh tokens alike.
    for (const token of [ada.accessToken, r2.accessToken]) {
      const refused = await me(token);
      expect(errorCode(refused)).toBe('UNAUTHENTICATED');
      expect(errorReason(refused)).toBe('SESSION_REVOKED');
      expect(await mutationRefused(token)).toBe('SESSION_REVOKED');
    }
    expect(errorReason(await refresh(r2.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
    expect(errorReason(await refresh(ada.refreshToken))).toBe('REFRESH_TOKEN_INVALID');

    // Logging in again works.
    expect((await login(app, ada.email, ada.password)).body.data).toMatchObject({ login: { user: { handle: 'ada' } } });
    const audit = await withClient(
      app.database.url,
      async (c) => (await c.query(`SELECT action FROM "AuditEvent" WHERE "objectId" = $1 ORDER BY id`, [ada.id])).rows,
    );
    expect(audit.map((row) => row.action)).toEqual(['user.registered', 'session.refresh-token-reused']);
  });

  it('two concurrent refreshes with one refresh token: exactly one succeeds, the other is REFRESH_TOKEN_REUSED and ends the family', async () => {
    const racer = await register(app, 'racer');
    const answers = await Promise.all([refresh(racer.refreshToken), refresh(racer.refreshToken)]);
    const won = answers.filter((answer) => answer.body.data?.refreshToken);
    const lost = answers.filter((answer) => !answer.body.data?.refreshToken);
    expect([won.length, lost.length]).toEqual([1, 1]);
    expect([errorCode(lost[0]!), errorReason(lost[0]!)]).toEqual(['UNAUTHENTICATED', 'REFRESH_TOKEN_REUSED']);
    const winner = won[0]!.body.data!.refreshToken as { accessToken: string; refreshToken: string };
    expect(errorReason(await me(winner.accessToken))).toBe('SESSION_REVOKED');
    expect(errorReason(await refresh(winner.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
  });

  it('use after logout: the access token is SESSION_REVOKED, the refresh token REFRESH_TOKEN_INVALID; other sessions go on', async () => {
    const alan = await register(app, 'alan');
    const other = (await login(app, alan.email, alan.password)).body.data!.login as { accessToken: string };
    const out = await app.graphql('mutation { logout }', {}, alan.auth);
    expect(out.body.data).toEqual({ logout: true });
    expect(errorReason(await me(alan.accessToken))).toBe('SESSION_REVOKED');
    expect(await mutationRefused(alan.accessToken)).toBe('SESSION_REVOKED');
    expect(errorReason(await refresh(alan.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
    expect((await me(other.accessToken)).body.data).toMatchObject({ me: { handle: 'alan' } });
  });

  describe('forged and misused access tokens over HTTP', () => {
    let victim: Account;
    let key: string;
    let claims: Record<string, unknown>;

    beforeAll(async () => {
      ({ victim, key, claims } = await forgeryKit('victim'));
    });

    it('the genuine token is accepted (each forgery below differs from it in one thing)', async () => {
      expect((await me(forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, key))).body.data).toMatchObject({ me: { handle: 'victim' } });
    });

    it.each([
      ['alg: none', () => forgeJwt({ alg: 'none', typ: 'JWT' }, claims)],
      ['alg: NONE (case games)', () => forgeJwt({ alg: 'NONE', typ: 'JWT' }, claims)],
      ['a wrong signature', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, 'not-the-key')],
      ['key confusion: RS256 in the header, HMAC with the server key', () => forgeJwt({ alg: 'RS256', typ: 'JWT' }, claims, key)],
      [
        'key confusion: the attacker’s own key embedded as a jwk',
        () => {
          const own = randomBytes(32);
          return forgeJwt({ alg: 'HS256', typ: 'JWT', jwk: { kty: 'oct', k: own.toString('base64url') } }, claims, own.toString('latin1'));
        },
      ],
      [
        'key confusion: a kid naming an empty key, signed with ""',
        () => forgeJwt({ alg: 'HS256', typ: 'JWT', kid: '../../../dev/null' }, claims, ''),
      ],
      ['an algorithm outside the allow-list (HS512, right key)', () => forgeJwt({ alg: 'HS512', typ: 'JWT' }, claims, key, 'sha512')],
      ['an expired token', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 1_700_000_000, exp: 1_700_000_900 }, key)],
      ['a wrong audience', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'some-other-service' }, key)],
      ['a wrong issuer', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'someone-else' }, key)],
      ['a token that is not an access token', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, typ: 'refresh' }, key)],
      ['a refresh token used as an access token', () => victim.refreshToken],
      ['garbage', () => 'abc.def.ghi'],
    ])('%s is UNAUTHENTICATED, and its mutation stores nothing', async (_case, token) => {
      const response = await me(token());
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(response.body.data).toEqual({ me: null });
      await mutationRefused(token());
    });

    it('an expired token is told it is expired (TOKEN_EXPIRED)', async () => {
      const expired = forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 1_700_000_000, exp: 1_700_000_900 }, key);
      expect(errorReason(await me(expired))).toBe('TOKEN_EXPIRED');
      expect(await mutationRefused(expired)).toBe('TOKEN_EXPIRED');
    });
  });

  describe('over graphql-ws (the token in connection_init)', () => {
    let victim: Account;
    let key: string;
    let claims: Record<string, unknown>;

    beforeAll(async () => {
      ({ victim, key, claims } = await forgeryKit('ws-victim'));
    });

    /** `me` and a team creation on a socket opened with `token`: the reason each is refused with, and that nothing was stored. */
    async function overSocket(token: string): Promise<{ query: unknown; mutation: unknown }> {
      const socket = socketClient(app, `Bearer ${token}`);
      const reasonOf = (answer: SocketAnswer) => {
        const errors = (answer.value?.errors ?? answer.error) as Array<{ extensions?: { code?: string; reason?: string } }>;
        expect(errors[0]!.extensions!.code).toBe('UNAUTHENTICATED');
        return errors[0]!.extensions!.reason;
      };
      try {
        const before = await rowCounts(app, 'Team', 'Membership', 'AuditEvent');
        const query = reasonOf(await socket.run(ME));
        const mutation = reasonOf(await socket.run(CREATE_TEAM, { s: `ws-${randomBytes(3).toString('hex')}` }));
        expect(await rowCounts(app, 'Team', 'Membership', 'AuditEvent')).toEqual(before);
        return { query, mutation };
      } finally {
        await socket.client.dispose();
      }
    }

    it('the genuine token works on a socket', async () => {
      const socket = socketClient(app, victim.auth.authorization);
      try {
        expect(await socket.run('{ me { handle } }')).toEqual({ value: { data: { me: { handle: 'ws-victim' } } } });
      } finally {
        await socket.client.dispose();
      }
    });

    it.each([
      ['alg: none', () => forgeJwt({ alg: 'none', typ: 'JWT' }, claims), 'TOKEN_INVALID'],
      [
        'key confusion (RS256 header, HMAC with the server key)',
        () => forgeJwt({ alg: 'RS256', typ: 'JWT' }, claims, key),
        'TOKEN_INVALID',
      ],
      [
        'an expired token',
        () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 1_700_000_000, exp: 1_700_000_900 }, key),
        'TOKEN_EXPIRED',
      ],
      ['a wrong audience', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'some-other-service' }, key), 'TOKEN_INVALID'],
    ])('%s is refused on every operation of the socket', async (_case, token, reason) => {
      expect(await overSocket(token())).toEqual({ query: reason, mutation: reason });
    });

    it('a token used after logout is SESSION_REVOKED on a socket, and so is a token of a family ended by refresh-token reuse', async () => {
      const leaver = await register(app, 'ws-leaver');
      await app.graphql('mutation { logout }', {}, leaver.auth);
      expect(await overSocket(leaver.accessToken)).toEqual({ query: 'SESSION_REVOKED', mutation: 'SESSION_REVOKED' });

      const robbed = await register(app, 'ws-robbed');
      const rotated = (await refresh(robbed.refreshToken)).body.data!.refreshToken as { accessToken: string };
      expect(errorReason(await refresh(robbed.refreshToken))).toBe('REFRESH_TOKEN_REUSED');
      expect(await overSocket(rotated.accessToken)).toEqual({ query: 'SESSION_REVOKED', mutation: 'SESSION_REVOKED' });
    });

    it('a socket opened while the token was good stops working once the session is logged out', async () => {
      const holder = await register(app, 'ws-holder');
      const socket = socketClient(app, holder.auth.authorization);
      try {
        expect(await socket.run('{ me { handle } }')).toEqual({ value: { data: { me: { handle: 'ws-holder' } } } });
        await app.graphql('mutation { logout }', {}, holder.auth);
        const before = await rowCounts(app, 'Team', 'Membership');
        const after = await socket.run(CREATE_TEAM, { s: `held-${randomBytes(3).toString('hex')}` });
        const errors = (after.value?.errors ?? after.error) as Array<{ extensions?: Record<string, unknown> }>;
        expect(errors[0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
        expect(await rowCounts(app, 'Team', 'Membership')).toEqual(before);
      } finally {
        await socket.client.dispose();
      }
    });
  });
});
