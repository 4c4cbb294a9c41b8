import { withClient } from '@app/testing';
import { errorCode, errorReason, login, register } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * At most 100 failed logins per account per hour, counted per attempt that runs. The issue asks
 * for "50 aliased in one request"; two rules of the API make that impossible, and the test shows
 * both: one operation holds at most 15 aliases (a 50-alias request is refused before any
 * resolver runs and counts nothing), and mutation fields run one after another and stop at the
 * first error of a non-null field (`login: AuthPayload!`, API.md), so of 15 aliased wrong
 * logins exactly one runs and exactly one counts.
 */
describe('the failed-login limit', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  const failures = (email: string) =>
    withClient(
      app.database.url,
      async (client) => (await client.query(`SELECT count(*)::int AS n FROM "LoginFailure" WHERE email = $1`, [email])).rows[0].n as number,
    );

  const aliasedLogins = (email: string, count: number) => {
    const fields = Array.from(
      { length: count },
      (_, i) => `a${i}: login(input: { email: $email, password: "wrong password ${i}" }) { accessToken }`,
    );
    return app.graphql(`mutation($email: String!) { ${fields.join(' ')} }`, { email });
  };

  it('locks the account for the rest of the hour after 100 failures (aliases count one by one), without touching other accounts', async () => {
    const target = await register(app, 'target');
    const bystander = await register(app, 'bystander');

    for (let i = 0; i < 50; i++) {
      expect(errorReason(await login(app, target.email, `wrong ${i}`))).toBe('INVALID_CREDENTIALS');
    }
    expect(await failures(target.email)).toBe(50);

    const tooManyAliases = await aliasedLogins(target.email, 50);
    expect(errorReason(tooManyAliases)).toBe('TOO_MANY_ALIASES');
    expect(await failures(target.email)).toBe(50);

    const fifteen = await aliasedLogins(target.email, 15);
    expect(fifteen.body.data).toBeNull();
    expect(fifteen.body.errors!.map((error) => error.extensions?.reason)).toEqual(['INVALID_CREDENTIALS']);
    expect(await failures(target.email)).toBe(51);

    for (let i = 0; i < 49; i++) await login(app, target.email, `still wrong ${i}`);
    expect(await failures(target.email)).toBe(100);

    const started = Date.now();
    const limited = await login(app, target.email, target.password); // the right password, 101st attempt
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(errorReason(limited)).toBe('LOGIN_RATE_LIMITED');
    const retryAt = Date.parse(limited.body.errors![0]!.extensions!.retryAt as string);
    expect(retryAt).toBeGreaterThan(started + 55 * 60 * 1000);
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000);
    expect(limited.body.errors![0]!.message).toMatch(/try again after \d{4}-\d\d-\d\dT/);
    expect(await failures(target.email)).toBe(100); // refused attempts are not failures: the lock ends on time

    expect((await login(app, bystander.email, bystander.password)).body.data).toMatchObject({ login: { user: { handle: 'bystander' } } });
  });

  it('frees the account once its oldest failures are an hour old', async () => {
    const account = await register(app, 'comes-back');
    await withClient(app.database.url, (client) =>
      client.query(`INSERT INTO "LoginFailure" (email, at) SELECT $1, now() - interval '61 minutes' FROM generate_series(1, 100)`, [
        account.email,
      ]),
    );
    expect((await login(app, account.email, account.password)).body.data).toMatchObject({ login: { user: { handle: 'comes-back' } } });
  });

  it('counts failures for emails without an account the same way (no account enumeration by timing or limit)', async () => {
    await withClient(app.database.url, (client) =>
      client.query(`INSERT INTO "LoginFailure" (email) SELECT 'ghost@example.com' FROM generate_series(1, 100)`),
    );
    expect(errorReason(await login(app, 'ghost@example.com', 'anything at all'))).toBe('LOGIN_RATE_LIMITED');
    expect(errorReason(await login(app, 'ghost2@example.com', 'anything at all'))).toBe('INVALID_CREDENTIALS');
  });
});
