import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, withClient } from '@app/testing';
import { register, type Account } from '../support/accounts';
import { catalogModel, startAttempt, submitModel, uploadBytes, waitForEnd } from '../support/scoring';
import { sandboxHostProcesses, spawnScorer, waitUntilRegistered, type ServerProcess } from '../support/server-process';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Faults of the scoring side: the API in this process (SCORER=none) and standalone scorer
 * processes on its database and artifact folder, each with a temporary folder (TMPDIR) of this
 * suite's own, so what their sandbox hosts leave behind can be looked at.
 */
const SLUG = 'pruned-mlp-speedup';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scorer faults', () => {
  let app: TestApp;
  let workDir: string;
  let scorerTmp: string;
  let env: Record<string, string>;
  const scorers = new Set<ServerProcess>();
  const sql = <T>(text: string, values: unknown[] = []) =>
    withClient(app.database.url, async (c) => (await c.query(text, values)).rows as T[]);

  const startScorer = async (): Promise<ServerProcess> => {
    const scorer = spawnScorer(env, workDir);
    scorers.add(scorer);
    void scorer.exited.then(() => scorers.delete(scorer));
    await waitUntilRegistered(app.database.url, scorer, 60_000);
    return scorer;
  };

  beforeAll(async () => {
    app = await startTestApp();
    workDir = mkdtempSync(join(tmpdir(), 'proving-scorer-faults-'));
    scorerTmp = join(workDir, 'tmp');
    mkdirSync(scorerTmp);
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: app.database.url,
      ARTIFACT_STORE: app.config.artifactStore,
      DATA_DIR: join(workDir, 'data'),
      TMPDIR: scorerTmp,
      SANDBOX_TASK_TIMEOUT_MS: '60000',
    };
  }, 120_000);

  afterAll(async () => {
    for (const scorer of [...scorers]) {
      scorer.child.kill('SIGTERM');
      await scorer.exited;
    }
    await app?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('a SIGKILLed scorer leaves its sandbox folder behind; the next scorer to start on the machine removes it', async () => {
    // A scorer starts its sandbox host at boot, so the folder exists from then on (the fleet e2e
    // spec kills scorers mid-job; what is left on disk is the same).
    const first = await startScorer();
    const killedFolder = join(scorerTmp, 'proving-sandboxes', String(first.child.pid));
    expect(readdirSync(killedFolder).filter((name) => name.startsWith('host-'))).toHaveLength(1);
    first.child.kill('SIGKILL');
    await first.exited;
    // Nobody removed it: the scorer died at once, and its host killed itself when the IPC channel closed.
    for (const deadline = Date.now() + 5_000; Date.now() < deadline && sandboxHostProcesses().some((host) => host.ppid === 1);)
      await sleep(100);
    expect(existsSync(killedFolder)).toBe(true);

    const second = await startScorer();
    expect(existsSync(killedFolder)).toBe(false);
    expect(readdirSync(join(scorerTmp, 'proving-sandboxes'))).toEqual([String(second.child.pid)]);
    expect(
      readdirSync(join(scorerTmp, 'proving-sandboxes', String(second.child.pid))).filter((name) => name.startsWith('host-')),
    ).toHaveLength(1);
  }, 120_000);

  it('a scorer whose PostgreSQL cannot be reached exits 1 at once with a message naming it, and registers nothing', async () => {
    const closed = await freePort();
    const scorer = spawnScorer({ ...env, DATABASE_URL: `postgresql://postgres:none@127.0.0.1:${closed}/proving` }, workDir);
    expect(await scorer.exited).toBe(1);
    expect(scorer.stderr()).toMatch(new RegExp(`could not start: .*ECONNREFUSED 127\\.0\\.0\\.1:${closed}`));
    expect(await sql(`SELECT 1 FROM "Scorer" WHERE pid = $1`, [scorer.child.pid])).toEqual([]);
  }, 60_000);

  it('a poison job (its stored model no longer matches its hash) reaches the dead letter and FAILS with PLATFORM_FAILED, no quota used, while the others PASS', async () => {
    if (scorers.size === 0) await startScorer();
    // pg-boss copies the queue's retry policy into each job when it is sent: 1 s instead of 5 s
    // between retries (still with backoff) keeps the four runs of the poison job short here.
    await sql(`UPDATE pgboss.queue SET retry_delay = 1 WHERE name = 'scoring-cpu'`);
    const mallory = await register(app, 'poison-mallory');
    const poisonAttempt = await startAttempt(app, mallory, SLUG);
    const poisonSha = await uploadBytes(app, mallory, catalogModel(SLUG, 'reference'));
    // The bytes rot in the store after the upload: every run of the job fails to read them.
    writeFileSync(join(app.config.artifactStore, poisonSha.slice(0, 2), poisonSha.slice(2, 4), poisonSha), 'not the uploaded bytes');
    const poison = await submitModel(app, mallory, poisonAttempt, poisonSha);
    const others: { id: string; owner: Account }[] = [];
    for (let i = 0; i < 2; i++) {
      const owner = await register(app, `poison-bystander-${i}`);
      const attemptId = await startAttempt(app, owner, SLUG);
      others.push({
        owner,
        id: await submitModel(app, owner, attemptId, await uploadBytes(app, owner, catalogModel(SLUG, 'known-solution'))),
      });
    }

    const failed = await waitForEnd(app, mallory, poison, 120_000);
    expect(failed).toMatchObject({ status: 'FAILED', rejection: { code: 'PLATFORM_FAILED' }, result: null });
    for (const other of others)
      expect(await waitForEnd(app, other.owner, other.id, 180_000)).toMatchObject({ status: 'SCORED', result: { verdict: 'PASSED' } });

    const [stored] = await sql<{ claim: number; quota: boolean; results: number }>(
      `SELECT s."scoringClaim" AS claim, s."countsTowardQuota" AS quota, count(r.id)::int AS results
         FROM "Submission" s LEFT JOIN "Result" r ON r."submissionId" = s.id WHERE s.id = $1 GROUP BY s.id`,
      [poison],
    );
    // Four runs (the first and three retries), no result, and it does not use the learner's quota.
    expect(stored).toEqual({ claim: 4, quota: false, results: 0 });
    const deadLetters = await sql<{ state: string }>(
      `SELECT state FROM pgboss.job WHERE name = 'scoring-dead-letter' AND data->>'submissionId' = $1`,
      [poison],
    );
    expect(deadLetters).toEqual([{ state: 'completed' }]);
    const { body } = await app.graphql(`{ attempt(id: "${poisonAttempt}") { quota { used } } }`, {}, mallory.auth);
    expect(body.data).toEqual({ attempt: { quota: { used: 0 } } });
    // The scorer lived through it all.
    expect([...scorers].every((scorer) => scorer.child.exitCode === null && scorer.child.signalCode === null)).toBe(true);
  }, 300_000);
});

describe('readiness checks the job queue', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers 503 with queue unreachable while the queue is broken (database fine), and 200 again once it is back', async () => {
    const ready = await fetch(`${app.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: 'ready', database: 'ok', queue: 'ok', migrations: 'current', process: 'serving' },
    ]);
    // The queue's schema gone (an operator's mistake, a botched restore): the database still answers.
    await withClient(app.database.url, (c) => c.query('ALTER SCHEMA pgboss RENAME TO pgboss_away'));
    try {
      const broken = await fetch(`${app.url}/readyz`);
      expect([broken.status, await broken.json()]).toEqual([
        503,
        { status: 'not-ready', database: 'ok', queue: 'unreachable', migrations: 'current', process: 'serving' },
      ]);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await withClient(app.database.url, (c) => c.query('ALTER SCHEMA pgboss_away RENAME TO pgboss'));
    }
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });
});
