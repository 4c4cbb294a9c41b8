import { createTestDatabase, withClient, type TestDatabase } from '@app/testing';
import { orphanSandboxHosts, processesInGroup, spawnScript, type ServerProcess } from '../support/server-process';

/**
 * scripts/fleet-example.sh, the operator guide's example (docs/operations.md), run for real on
 * loopback: two API processes (SCORER=none) and two scorers (SCORER_CONCURRENCY=1) on one
 * PostgreSQL; the `proving` CLI submits a known solution twice at once, through each API.
 */
describe('scripts/fleet-example.sh', () => {
  let database: TestDatabase;
  let script: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    if (script && script.child.exitCode === null) {
      process.kill(-script.child.pid!, 'SIGTERM');
      await script.exited;
    }
    await database?.drop();
  }, 60_000);

  it('has its two simultaneous submissions scored by whichever scorer is free (one each, one result each) and leaves nothing running', async () => {
    script = spawnScript('scripts/fleet-example.sh', { DATABASE_URL: database.url, NODE: process.execPath });
    const exitCode = await script.exited;
    const output = script.stdout();
    // On failure: what the script and the CLI said, without the processes' JSON log lines.
    const said = (text: string) => (exitCode === 0 ? '' : text.split('\n').filter((line) => !line.startsWith('{"level"')));
    expect({ exitCode, stdout: said(output), stderr: said(script.stderr()) }).toEqual({ exitCode: 0, stdout: '', stderr: '' });

    const submissions = await query<{ id: string; status: string; verdict: string; parity: boolean; scorerId: string; results: number }>(
      `SELECT s.id, s.status, min(r.verdict::text) AS verdict, bool_and((r.metrics->'parity'->>'passed')::boolean) AS parity,
              min(r."scorerId"::text) AS "scorerId", count(r.id)::int AS results
         FROM "Submission" s LEFT JOIN "Result" r ON r."submissionId" = s.id GROUP BY s.id`,
    );
    expect(submissions).toHaveLength(2);
    for (const submission of submissions) {
      // Scored once, parity passed. The verdict itself may be INCONCLUSIVE: two timings at once on
      // a busy machine widen the interval; the script shows it, and this checks what it showed.
      expect(submission).toMatchObject({ status: 'SCORED', parity: true, results: 1 });
      expect(output).toContain(`${submission.id}: SCORED ${submission.verdict}\n`);
    }
    const scorers = await query<{ id: string; stopped: boolean }>(`SELECT id, "stoppedAt" IS NOT NULL AS stopped FROM "Scorer"`);
    expect(scorers).toHaveLength(2);
    // Each scorer takes one job at a time, and the two were queued together: each scorer scored one.
    expect(submissions.map((submission) => submission.scorerId).sort()).toEqual(scorers.map((scorer) => scorer.id).sort());
    if (submissions.some((submission) => submission.verdict === 'PASSED')) expect(output).toMatch(/^ +1 +fleet-learner +\d/m);

    // Every process it started is gone: the scorers stopped cleanly (they mark their row), their
    // sandbox hosts went with them, nothing is left in its process group or connected to the database.
    expect(scorers.every((scorer) => scorer.stopped)).toBe(true);
    expect(processesInGroup(script.child.pid!)).toEqual([]);
    expect(orphanSandboxHosts()).toEqual([]);
    expect(await connectionsLeft()).toBe(0);
  }, 180_000);

  async function query<T>(sql: string): Promise<T[]> {
    return withClient(database.url, async (client) => (await client.query(sql)).rows as T[]);
  }

  /** Connections of other sessions to the test database; PostgreSQL ends a closed one's backend within moments. */
  async function connectionsLeft(): Promise<number> {
    const count = async () =>
      (
        await query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        )
      )[0]!.n;
    let left = await count();
    for (let waited = 0; left > 0 && waited < 5_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await count();
    }
    return left;
  }
});
