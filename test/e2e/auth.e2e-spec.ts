import { withClient } from '@app/testing';
import { claimsOf, errorCode, errorReason, login, register } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const ME = '{ me { id handle role email } }';

// Stolen, forged and reused tokens (alg none, key confusion, refresh-token reuse, use after logout)
// are in test/attack/tokens.attack-spec.ts.
describe('accounts and sessions over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ ADMIN_EMAILS: 'root@example.com' });
  });

  afterAll(async () => {
    await app.stop();
  });

  const me = (accessToken?: string) => app.graphql(ME, {}, accessToken ? { authorization: `Bearer ${accessToken}` } : {});

  it('answers me with null without a token, and only with a valid access token', async () => {
    expect((await me()).body).toEqual({ data: { me: null } });
    const grace = await register(app, 'grace');
    expect((await me(grace.accessToken)).body.data).toMatchObject({ me: { handle: 'grace' } });
    const malformed = await app.graphql(ME, {}, { authorization: 'Basic Z3JhY2U6cHc=' });
    expect(errorCode(malformed)).toBe('UNAUTHENTICATED');
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
        async (c) => (await c.query(`SELECT "passwordHash" FROM "User" WHERE handle = 'grace'`)).rows[0].passwordHash,
      );
      expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });
  });
});
