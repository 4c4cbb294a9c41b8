import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, withClient, type TestDatabase } from '@app/testing';
import { spawnServer, waitUntilReady, type ServerProcess } from '../support/server-process';

/**
 * The process a user runs with `npm start`: compiled, spawned with an empty environment, in a
 * fresh working folder (so DATA_DIR's default `.data` lands there). Only the two ports are set,
 * so this suite never collides with a Proving Ground running on the same machine.
 */
describe('npm start (the compiled server process)', () => {
  let workDir: string;
  const started: ServerProcess[] = [];

  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'proving-start-'));
    chmodSync(workDir, 0o755); // as root, PostgreSQL runs as `postgres` and must be able to enter it
  });

  afterEach(async () => {
    for (const server of started.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGINT');
        await server.exited;
      }
    }
    rmSync(workDir, { recursive: true, force: true });
  });

  async function ports() {
    return { PORT: String(await freePort()), EMBEDDED_DATABASE_PORT: String(await freePort()) };
  }

  function start(env: Record<string, string>): ServerProcess {
    const server = spawnServer(env, workDir);
    started.push(server);
    return server;
  }

  /** A server on a database of its own (DATABASE_URL), ready; the database is dropped afterwards. */
  async function onOwnDatabase(work: (server: ServerProcess, url: string, database: TestDatabase) => Promise<void>): Promise<void> {
    const database = await createTestDatabase({ empty: true });
    try {
      const env = await ports();
      const server = start({ ...env, DATABASE_URL: database.url });
      const url = `http://127.0.0.1:${env.PORT}`;
      await waitUntilReady(url, server, 30_000);
      await work(server, url, database);
    } finally {
      await database.drop();
    }
  }

  function postmasterPid(): number | undefined {
    const file = join(workDir, '.data', 'postgres', 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  }

  function isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  async function embeddedUrl(env: Record<string, string>): Promise<string> {
    const password = readFileSync(join(workDir, '.data', 'postgres.password'), 'utf8').trim();
    return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_DATABASE_PORT}/proving_ground`;
  }

  /** Sends `{ __typename }` over `POST /graphql`, as a client's first request would. */
  async function expectGraphqlAnswers(url: string): Promise<void> {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  }

  /** Sends `signal` and expects a clean exit that took the embedded PostgreSQL down with it (process gone, pid file removed). */
  async function expectStopsWithItsPostgres(server: ServerProcess, signal: NodeJS.Signals): Promise<void> {
    const pid = postmasterPid();
    expect(pid).toBeDefined();
    expect(isAlive(pid!)).toBe(true);
    server.child.kill(signal);
    expect(await server.exited).toBe(0);
    expect(isAlive(pid!)).toBe(false);
    expect(postmasterPid()).toBeUndefined();
  }

  it('initialises the embedded PostgreSQL under .data, is ready within 30 s, answers GraphQL, and stops everything on SIGINT', async () => {
    const env = await ports();
    const server = start(env);
    const url = `http://127.0.0.1:${env.PORT}`;
    const readyAfterMs = await waitUntilReady(url, server, 30_000);
    expect(readyAfterMs).toBeLessThan(30_000);

    await expectGraphqlAnswers(url);
    expect(existsSync(join(workDir, '.data', 'postgres', 'PG_VERSION'))).toBe(true);

    await expectStopsWithItsPostgres(server, 'SIGINT');
  });

  it('stops the PostgreSQL it launched when interrupted during start-up', async () => {
    const env = await ports();
    const server = start(env);
    const deadline = Date.now() + 30_000;
    while (postmasterPid() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const pid = postmasterPid();
    expect(pid).toBeDefined();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(isAlive(pid!)).toBe(false);
  });

  it('keeps the data across a restart, and stops its PostgreSQL on SIGTERM', async () => {
    const env = await ports();
    const first = start(env);
    await waitUntilReady(`http://127.0.0.1:${env.PORT}`, first, 30_000);
    await withClient(await embeddedUrl(env), (client) =>
      client.query(`INSERT INTO "AuditEvent" (action, "objectType", "objectId") VALUES ('restart-test', 'Test', 'kept')`),
    );
    await expectStopsWithItsPostgres(first, 'SIGTERM');

    const second = start(env);
    await waitUntilReady(`http://127.0.0.1:${env.PORT}`, second, 30_000);
    const rows = await withClient(
      await embeddedUrl(env),
      async (client) => (await client.query(`SELECT "objectId" FROM "AuditEvent" WHERE action = 'restart-test'`)).rows,
    );
    expect(rows).toEqual([{ objectId: 'kept' }]);
  });

  it('a second start on the same port exits with one clear line, and the first keeps serving', async () => {
    const env = await ports();
    const first = start(env);
    const url = `http://127.0.0.1:${env.PORT}`;
    await waitUntilReady(url, first, 30_000);

    const second = start({ ...env, EMBEDDED_DATABASE_PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toBe(
      `proving-ground: configuration error: PORT ${env.PORT} is already in use on 0.0.0.0; stop the other process or choose another port\n`,
    );
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('a second start on the same DATA_DIR (another port) says the folder is in use', async () => {
    const env = await ports();
    const first = start(env);
    await waitUntilReady(`http://127.0.0.1:${env.PORT}`, first, 30_000);

    const second = start(await ports());
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(
      /^proving-ground: configuration error: DATA_DIR .* is in use by another running Proving Ground \(its PostgreSQL has pid \d+\); stop that one or choose another DATA_DIR\n$/,
    );
  });

  it('uses DATABASE_URL when set and starts no PostgreSQL of its own', async () => {
    await onOwnDatabase(async (server, url, database) => {
      await expectGraphqlAnswers(url);
      expect(existsSync(join(workDir, '.data'))).toBe(false);
      const tables = await withClient(
        database.url,
        async (client) => (await client.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`)).rows[0].n,
      );
      expect(tables).toBeGreaterThan(0);
      server.child.kill('SIGINT');
      expect(await server.exited).toBe(0);
    });
  });

  it('lets the requests in flight at SIGTERM finish, with the database, before it stops (exit 0)', async () => {
    // bench/load.ts met it: Nest destroys the modules (the database pool among them) before it
    // closes the HTTP server, so a request still running when the signal came lost its database.
    await onOwnDatabase(async (server, url, database) => {
      // Each registration hashes a password (argon2id, 4 at a time): most are still running when the signal comes.
      const handles = Array.from({ length: 16 }, (_, i) => `drain-${i}`);
      const answers = handles.map((handle) =>
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation($input: RegisterInput!) { register(input: $input) { user { handle } } }',
            variables: { input: { email: `${handle}@example.com`, handle, password: 'correct horse battery staple' } },
          }),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as { errors?: unknown } })),
      );
      await answers[0];
      server.child.kill('SIGTERM');
      const all = await Promise.all(answers);
      expect(all.map((answer) => [answer.status, answer.body.errors])).toEqual(handles.map(() => [200, undefined]));
      expect(await server.exited).toBe(0);
      const registered = await withClient(
        database.url,
        async (client) => (await client.query(`SELECT handle FROM "User" ORDER BY handle`)).rows,
      );
      expect(registered.map((row) => row.handle)).toEqual([...handles].sort());
    });
  });

  describe('bad configuration stops start-up with one line naming the variable', () => {
    let blocker: Server | undefined;

    afterEach(async () => {
      await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
      blocker = undefined;
    });

    it.each([
      ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
      [
        'DATABASE_URL',
        { DATABASE_URL: 'mysql://somewhere/db' },
        'DATABASE_URL must be a URL like postgresql://user:password@host:5432/database',
      ],
      ['PORT', { PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535 (got "eighty")'],
      ['NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, test, production (got "staging")'],
    ])('%s', async (_variable, env, message) => {
      const server = start({ ...(await ports()), ...env });
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toBe(`proving-ground: configuration error: ${message}\n`);
      expect(existsSync(join(workDir, '.data'))).toBe(false);
    });

    it('PORT in use by another program', async () => {
      const env = await ports();
      blocker = createServer();
      await new Promise<void>((resolve) => blocker!.listen(Number(env.PORT), '0.0.0.0', resolve));
      const server = start(env);
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toBe(
        `proving-ground: configuration error: PORT ${env.PORT} is already in use on 0.0.0.0; stop the other process or choose another port\n`,
      );
    });

    it('EMBEDDED_DATABASE_PORT in use by another program', async () => {
      const env = await ports();
      blocker = createServer();
      await new Promise<void>((resolve) => blocker!.listen(Number(env.EMBEDDED_DATABASE_PORT), '127.0.0.1', resolve));
      const server = start(env);
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toBe(
        `proving-ground: configuration error: EMBEDDED_DATABASE_PORT ${env.EMBEDDED_DATABASE_PORT} is already in use on 127.0.0.1; stop the other process or choose another port\n`,
      );
    });

    it('DATABASE_URL pointing at a server that does not answer', async () => {
      const server = start({ ...(await ports()), DATABASE_URL: `postgresql://nobody:secret@127.0.0.1:${await freePort()}/db` });
      expect(await server.exited).toBe(1);
      const lines = server.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^proving-ground: cannot use the database given by DATABASE_URL: /);
      expect(lines[0]).not.toContain('secret');
    });
  });
});
