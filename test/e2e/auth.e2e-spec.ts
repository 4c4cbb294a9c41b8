import { withClient } from '@app/testing';
import { claimsOf, errorCode, errorReason, forgeJwt, login, register, signingKey, type Account } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const ME = '{ me { id handle role email } }';

describe('accounts and sessions over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ ADMIN_EMAILS: 'root@example.com' });
  });

  afterAll(async () => {
    await app.stop();
  });

  const refresh = (refreshToken: string) =>
    app.graphql('mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { handle } } }', {
      t: refreshToken,
    });
  const me = (accessToken?: string) => app.graphql(ME, {}, accessToken ? { authorization: `Bearer ${accessToken}` } : {});

  it('registers, logs in, refreshes twice; reusing the first refresh token ends every session', async () => {
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

  it('answers me with null without a token, and only with a valid access token', async () => {
    expect((await me()).body).toEqual({ data: { me: null } });
    const grace = await register(app, 'grace');
    expect((await me(grace.accessToken)).body.data).toMatchObject({ me: { handle: 'grace' } });
    const malformed = await app.graphql(ME, {}, { authorization: 'Basic Z3JhY2U6cHc=' });
    expect(errorCode(malformed)).toBe('UNAUTHENTICATED');
  });

  it('logout ends the session: its access token and refresh token stop working, other sessions go on', async () => {
    const alan = await register(app, 'alan');
    const other = (await login(app, alan.email, alan.password)).body.data!.login as { accessToken: string };
    const out = await app.graphql('mutation { logout }', {}, alan.auth);
    expect(out.body.data).toEqual({ logout: true });
    expect(errorReason(await me(alan.accessToken))).toBe('SESSION_REVOKED');
    expect(errorReason(await refresh(alan.refreshToken))).toBe('REFRESH_TOKEN_INVALID');
    expect((await me(other.accessToken)).body.data).toMatchObject({ me: { handle: 'alan' } });
  });

  describe('refuses forged and misused access tokens with UNAUTHENTICATED', () => {
    let victim: Account;
    let key: string;
    let claims: Record<string, unknown>;

    beforeAll(async () => {
      victim = await register(app, 'victim');
      key = await signingKey(app);
      claims = claimsOf(victim.accessToken);
    });

    it('accepts the genuine token (the forgeries below differ from it in one thing each)', async () => {
      expect((await me(forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, key))).body.data).toMatchObject({ me: { handle: 'victim' } });
    });

    it.each([
      ['alg: none', () => forgeJwt({ alg: 'none', typ: 'JWT' }, claims)],
      ['a wrong signature', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, 'not-the-key')],
      ['an algorithm outside the allow-list (HS512, right key)', () => forgeJwt({ alg: 'HS512', typ: 'JWT' }, claims, key, 'sha512')],
      ['an expired token', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 1_700_000_000, exp: 1_700_000_900 }, key)],
      ['a wrong audience', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'some-other-service' }, key)],
      ['a wrong issuer', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'someone-else' }, key)],
      ['a token that is not an access token', () => forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, typ: 'refresh' }, key)],
      ['a refresh token used as an access token', () => victim.refreshToken],
      ['garbage', () => 'abc.def.ghi'],
    ])('%s', async (_case, token) => {
      const response = await me(token());
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(response.body.data).toEqual({ me: null });
    });

    it('says an expired token is expired', async () => {
      const expired = forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: 1_700_000_000, exp: 1_700_000_900 }, key);
      expect(errorReason(await me(expired))).toBe('TOKEN_EXPIRED');
    });
  });

  it('issues access tokens valid for at most 15 minutes, with audience and issuer', async () => {
    const eve = await register(app, 'eve');
    const claims = claimsOf(eve.accessToken);
    expect(claims).toMatchObject({ aud: 'proving-ground-api', iss: 'proving-ground', sub: eve.id, typ: 'access' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
  });

  describe('registration rules', () => {
    const registerRaw = (input: Record<string, string>) =>
      app.graphql('mutation($input: RegisterInput!) { register(input: $input) { user { handle } } }', { input });

    it.each([
      [
        'a 7-character password',
        { email: 'p7@example.com', handle: 'p-seven', password: 'Abcdef1' },
        'WEAK_PASSWORD',
        /8–128 characters \(got 7\)/,
      ],
      ['a 129-character password', { email: 'p129@example.com', handle: 'p-long', password: 'x'.repeat(129) }, 'WEAK_PASSWORD', /got 129/],
      ['a common password', { email: 'common@example.com', handle: 'common', password: 'Password1' }, 'WEAK_PASSWORD', /3,000 most common/],
      [
        'a malformed email',
        { email: 'not-an-email', handle: 'bad-email', password: 'correct horse battery staple' },
        'INVALID_ACCOUNT_DETAILS',
        /email/,
      ],
      [
        'a malformed handle',
        { email: 'h@example.com', handle: 'Bad Handle!', password: 'correct horse battery staple' },
        'INVALID_ACCOUNT_DETAILS',
        /handle/,
      ],
    ])('refuses %s with BAD_USER_INPUT', async (_case, input, reason, message) => {
      const response = await registerRaw(input);
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(errorReason(response)).toBe(reason);
      expect(response.body.errors![0]!.message).toMatch(message);
    });

    it('uses a 128-character password whole (never truncated)', async () => {
      const password = 'a1'.repeat(64);
      const account = await register(app, 'long-password', password);
      expect(errorReason(await login(app, account.email, password.slice(0, 127) + 'X'))).toBe('INVALID_CREDENTIALS');
      expect((await login(app, account.email, password)).body.data).toBeTruthy();
    });

    it('refuses a taken email or handle with CONFLICT and keeps the first account', async () => {
      const first = await register(app, 'unique-one');
      const sameEmail = await registerRaw({
        email: 'UNIQUE-ONE@example.com',
        handle: 'someone-else',
        password: 'correct horse battery staple',
      });
      expect([errorCode(sameEmail), errorReason(sameEmail)]).toEqual(['CONFLICT', 'EMAIL_TAKEN']);
      const sameHandle = await registerRaw({ email: 'new@example.com', handle: 'unique-one', password: 'correct horse battery staple' });
      expect([errorCode(sameHandle), errorReason(sameHandle)]).toEqual(['CONFLICT', 'HANDLE_TAKEN']);
      expect((await login(app, first.email, first.password)).body.data).toBeTruthy();
    });

    it('makes accounts listed in ADMIN_EMAILS admins', async () => {
      const root = await register(app, 'root');
      expect((await me(root.accessToken)).body.data).toMatchObject({ me: { role: 'ADMIN' } });
    });

    it('stores argon2id hashes with 19 MiB, 2 passes, 1 lane', async () => {
      const hash = await withClient(
        app.database.url,
        async (c) => (await c.query(`SELECT "passwordHash" FROM "User" WHERE handle = 'ada'`)).rows[0].passwordHash,
      );
      expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });
  });
});
