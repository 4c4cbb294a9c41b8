import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, withClient, type TestDatabase } from '@app/testing';
import { register, type Account } from '../support/accounts';
import {
  catalogModel,
  clientFor,
  startAttempt,
  submitModel,
  uploadBytes,
  waitForEnd,
  watchSubmission,
  type Client,
} from '../support/scoring';
import {
  orphanSandboxHosts,
  spawnScorer,
  spawnServer,
  waitUntilReady,
  waitUntilRegistered,
  type ServerProcess,
} from '../support/server-process';

/** Kills in the SIGKILL test; bench/scorer-kills.sh runs it with 50. */
const KILLS = Number(process.env.FLEET_KILLS ?? 10);

/**
 * Scale-out with real processes: two API processes (SCORER=none) and two standalone scorers on one
 * PostgreSQL and one artifact folder, the way they run on separate machines.
 */
describe('a fleet of two API processes and two scorers on one PostgreSQL', () => {
  let database: TestDatabase;
  let workDir: string;
  let env: Record<string, string>;
  const apis: { process: ServerProcess; client: Client }[] = [];
  const scorers = new Set<ServerProcess>();
  let ada: Account;

  const startScorer = async (): Promise<ServerProcess> => {
    const scorer = spawnScorer(env, workDir);
    scorers.add(scorer);
    void scorer.exited.then(() => scorers.delete(scorer));
    await waitUntilRegistered(database.url, scorer, 60_000);
    return scorer;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    workDir = mkdtempSync(join(tmpdir(), 'proving-fleet-'));
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      ARTIFACT_STORE: join(workDir, 'artifacts'),
      DATA_DIR: join(workDir, 'data'),
      SCORER: 'none',
    };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const server = spawnServer({ ...env, PORT: String(port) }, workDir);
      const url = `http://127.0.0.1:${port}`;
      apis.push({ process: server, client: clientFor(url) });
      await waitUntilReady(url, server, 60_000);
    }
    ada = await register(apis[1]!.client, 'fleet-ada');
  }, 180_000);

  afterAll(async () => {
    for (const process of [...scorers, ...apis.map((api) => api.process)]) {
      process.child.kill('SIGTERM');
      await process.exited;
    }
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('shows a subscriber on API 1 the progress of a submission made on API 2: QUEUED, RUNNING with progress, SCORED', async () => {
    const [api1, api2] = [apis[0]!.client, apis[1]!.client];
    const attemptId = await startAttempt(api2, ada, 'tabular-mlp-speedup');
    const id = await submitModel(api2, ada, attemptId, await uploadBytes(api2, ada, catalogModel('tabular-mlp-speedup', 'known-solution')));
    const watch = watchSubmission(api1.url, ada.auth.authorization, id);
    try {
      await watch.started;
      // No scorer runs yet: the first state is QUEUED for certain; then two scorers join.
      expect(watch.updates[0]!.status).toBe('QUEUED');
      await Promise.all([startScorer(), startScorer()]);
      const updates = await watch.done;
      expect(updates.map((update) => update.status)).toEqual(expect.arrayContaining(['QUEUED', 'RUNNING', 'SCORED']));
      expect(updates).toContainEqual(expect.objectContaining({ status: 'RUNNING', phase: 'parity', progress: 0.2 }));
      expect(updates.at(-1)).toMatchObject({ status: 'SCORED', result: { parity: { passed: true } } });
    } finally {
      await watch.close();
    }
  }, 180_000);

  it(
    `re-runs the jobs of scorers SIGKILLed mid-job (${KILLS} kills) on another scorer, each submission ending with exactly one result`,
    async () => {
      while (scorers.size < 2) await startScorer();
      const client = apis[0]!.client;
      const slug = 'ppocr-recognizer-speedup';
      // A few more submissions than kills (a job may end on the other scorer while one is being
      // replaced); at most ten per learner, the daily quota.
      const submissions = KILLS + Math.ceil(KILLS / 2);
      const ids: string[] = [];
      const owners = new Map<string, Account>();
      for (let learner = 1; ids.length < submissions; learner++) {
        const account = await register(client, `fleet-learner-${learner}`);
        const attemptId = await startAttempt(client, account, slug);
        const model = await uploadBytes(client, account, catalogModel(slug, 'reference'));
        for (let i = 0; i < 10 && ids.length < submissions; i++) {
          const id = await submitModel(client, account, attemptId, model);
          ids.push(id);
          owners.set(id, account);
        }
      }
      const killedAt = new Map<string, number>();
      const replacements: Promise<unknown>[] = [];

      const killedScorers = new Map<string, string>(); // submission → the scorer id killed while running it
      // Each kill waits for a job to reach parity on a live scorer and for a replacement to start:
      // about 10 s a kill on 2 shared cores (50 kills reached only 36 in 490 s there).
      const deadline = Date.now() + 240_000 + KILLS * 12_000;
      while (killedScorers.size < KILLS && Date.now() < deadline) {
        const running = await withClient(
          database.url,
          async (c) =>
            (
              await c.query(
                `SELECT s.id, s."scorerId", sc.pid FROM "Submission" s JOIN "Scorer" sc ON sc.id = s."scorerId"
              WHERE s.id = ANY($1) AND s.status = 'RUNNING' AND s.phase = 'parity' AND sc."stoppedAt" IS NULL`,
                [ids],
              )
            ).rows as { id: string; scorerId: string; pid: number }[],
        );
        const target = running.find((row) => !killedScorers.has(row.id));
        const victim = target && [...scorers].find((scorer) => scorer.child.pid === target.pid);
        if (!target || !victim) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        victim.child.kill('SIGKILL');
        killedScorers.set(target.id, target.scorerId);
        killedAt.set(target.id, performance.now());
        replacements.push(victim.exited.then(() => startScorer()));
      }
      expect(killedScorers.size).toBe(KILLS);
      await Promise.all(replacements);

      const recoveries: number[] = [];
      await Promise.all(
        ids.map(async (id) => {
          const end = await waitForEnd(client, owners.get(id)!, id, 240_000 + KILLS * 5_000);
          if (killedAt.has(id)) recoveries.push((performance.now() - killedAt.get(id)!) / 1000);
          expect(end.status).toBe('SCORED');
        }),
      );
      recoveries.sort((a, b) => a - b);
      process.stderr.write(
        `[fleet] ${KILLS} scorers SIGKILLed mid-job; kill → result: median ${recoveries[recoveries.length >> 1]!.toFixed(1)} s, ` +
          `max ${recoveries.at(-1)!.toFixed(1)} s (heartbeat 10 s + supervise ≤ 5 s + retry delay)\n`,
      );
      const rows = await withClient(
        database.url,
        async (c) =>
          (
            await c.query(
              `SELECT s.id, s."scoringClaim" AS claim, count(r.id)::int AS results, min(r."scoringClaim") AS "resultClaim", min(r."scorerId"::text) AS "resultScorer"
             FROM "Submission" s LEFT JOIN "Result" r ON r."submissionId" = s.id WHERE s.id = ANY($1) GROUP BY s.id`,
              [ids],
            )
          ).rows as { id: string; claim: number; results: number; resultClaim: number; resultScorer: string }[],
      );
      expect(rows).toHaveLength(submissions);
      for (const row of rows) {
        expect(row.results).toBe(1);
        expect(row.resultClaim).toBe(row.claim);
        if (!killedScorers.has(row.id)) continue;
        // The killed run held an earlier claim; the result came from the latest one, on another scorer.
        expect(row.claim).toBeGreaterThanOrEqual(2);
        expect(row.resultScorer).not.toBe(killedScorers.get(row.id));
      }
      // No sandbox host outlived its killed scorer (a host notices its parent's death and exits).
      let orphans = orphanSandboxHosts();
      for (let waited = 0; orphans.length > 0 && waited < 5_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        orphans = orphanSandboxHosts();
      }
      expect(orphans).toEqual([]);
    },
    300_000 + KILLS * 30_000,
  );
});
