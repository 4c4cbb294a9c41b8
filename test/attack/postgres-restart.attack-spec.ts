import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '@app/db';
import { freePort, withClient } from '@app/testing';
import { register, type Account } from '../support/accounts';
import { clientFor, sessionSolution, startSession, submitCode, watchSubmission, type Client, type Watch } from '../support/scoring';
import { spawnScorer, spawnServer, waitUntilReady, waitUntilRegistered, type ServerProcess } from '../support/server-process';

/**
 * PostgreSQL restarted under a platform that is busy scoring: an API process and a standalone
 * scorer on a PostgreSQL cluster of this suite's own (the shared test cluster serves other Jest
 * workers and is never stopped). The submissions are AI-free code (stable-softmax, the AI-written
 * solution): the cheapest kind that still scores for real in the sandbox host (hidden tests, then
 * the AI-written solution five times), so 50 of them finish on 2 cores within the suite's budget.
 * bench/faults.sh runs this file and prints the figures it reports on stderr.
 */
const SUBMISSIONS = Number(process.env.FAULT_SUBMISSIONS ?? 50);
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 4_000);
/** A refusal must come back this fast while PostgreSQL is down: a client is never left hanging. */
const ANSWER_WITHIN_MS = 10_000;
const SLUG = 'stable-softmax';
const PER_LEARNER = 10; // the daily quota per learner and challenge
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  route: 'graphql' | 'http';
  ms: number;
  status: number;
  code: string;
}

describe('PostgreSQL restarted while 50 submissions are in flight', () => {
  let workDir: string;
  let port: number;
  let postgres: EmbeddedDatabase;
  let databaseUrl: string;
  let api: ServerProcess;
  let scorer: ServerProcess;
  let client: Client;
  const owners = new Map<string, Account>();
  let watch: Watch;
  let watched: string;
  const figures: Record<string, string | number> = {};
  let stoppedAt = 0;
  const startPostgres = () => EmbeddedDatabase.start({ dataDir: workDir, port, database: 'proving_ground' });
  const sql = <T>(text: string, values: unknown[] = []) => withClient(databaseUrl, async (c) => (await c.query(text, values)).rows as T[]);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'proving-pg-restart-'));
    port = await freePort();
    postgres = await startPostgres();
    databaseUrl = postgres.url;
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      ARTIFACT_STORE: join(workDir, 'artifacts'),
      DATA_DIR: join(workDir, 'data'),
      SCORER: 'none',
      SANDBOX_TASK_TIMEOUT_MS: '60000',
    };
    const apiPort = await freePort();
    api = spawnServer({ ...env, PORT: String(apiPort) }, workDir);
    client = clientFor(`http://127.0.0.1:${apiPort}`);
    await waitUntilReady(client.url, api, 60_000);
    scorer = spawnScorer(env, workDir);
    await waitUntilRegistered(databaseUrl, scorer, 60_000);
  }, 180_000);

  afterAll(async () => {
    await watch?.close();
    for (const process of [scorer, api]) {
      if (!process || process.child.exitCode !== null) continue;
      process.child.kill('SIGTERM');
      await process.exited;
    }
    await postgres?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('answers SERVICE_UNAVAILABLE at once (GraphQL errors, HTTP 503 on plain routes) while PostgreSQL is down, /readyz 503 and /healthz 200, and neither process exits', async () => {
    const code = sessionSolution(SLUG, 'ai');
    for (let learner = 0; owners.size < SUBMISSIONS; learner++) {
      const account = await register(client, `restart-${learner}`);
      const session = await startSession(client, account, SLUG);
      for (let i = 0; i < PER_LEARNER && owners.size < SUBMISSIONS; i++)
        owners.set(await submitCode(client, account, session.id, code), account);
    }
    // One submission followed over graphql-ws across the outage (the API's LISTEN connection drops too).
    watched = [...owners.keys()].at(-1)!;
    watch = watchSubmission(client.url, owners.get(watched)!.auth.authorization, watched);
    await watch.started;

    // Mid-flight: a tenth of the results written, the rest queued or running.
    const ids = [...owners.keys()];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(100)) {
      const [row] = await sql<{ ended: number }>(`SELECT count(*)::int AS ended FROM "Result" WHERE "submissionId" = ANY($1)`, [ids]);
      if (row!.ended >= Math.max(1, Math.floor(SUBMISSIONS / 10))) break;
    }
    const [before] = await sql<{ ended: number }>(`SELECT count(*)::int AS ended FROM "Result" WHERE "submissionId" = ANY($1)`, [ids]);
    expect(before!.ended).toBeLessThan(SUBMISSIONS);
    figures.inFlightAtStop = SUBMISSIONS - before!.ended;

    stoppedAt = performance.now();
    await postgres.stop();
    const account = owners.get(watched)!;
    const probes: Probe[] = [];
    const probe = async (route: Probe['route'], request: () => Promise<Response>): Promise<void> => {
      const started = performance.now();
      const response = await request();
      const text = await response.text();
      const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }>; error?: { code?: string }; data?: unknown };
      const code = body.errors?.[0]?.extensions?.code ?? body.error?.code ?? (body.data ? 'OK' : `unexpected body ${text.slice(0, 300)}`);
      probes.push({ route, ms: performance.now() - started, status: response.status, code });
    };
    const graphql = (query: string) => () =>
      fetch(`${client.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...account.auth },
        body: JSON.stringify({ query }),
      });
    const upload = () =>
      fetch(`${client.url}/artifacts`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', ...account.auth },
        body: new Uint8Array([1, 2, 3]),
      });
    // Clients keep asking during the whole outage: reads, a mutation, and an upload (plain HTTP).
    const until = performance.now() + OUTAGE_MS;
    while (performance.now() < until) {
      await Promise.all([
        probe('graphql', graphql(`{ submission(id: "${watched}") { id status } }`)),
        probe(
          'graphql',
          graphql(`
            {
              challenges(first: 5) {
                edges {
                  node {
                    slug
                  }
                }
              }
            }
          `),
        ),
        probe('graphql', graphql(`mutation { startSession(challengeSlug: "${SLUG}") { id } }`)),
        probe('http', upload),
      ]);
      await sleep(200);
    }
    const ready = await fetch(`${client.url}/readyz`);
    const readiness = await ready.json();
    const health = await fetch(`${client.url}/healthz`);
    figures.clientRequestsDuringOutage = probes.length;
    figures.clientErrorsByCode = JSON.stringify(
      Object.fromEntries(Object.entries(Object.groupBy(probes, (p) => `${p.route} ${p.status} ${p.code}`)).map(([k, v]) => [k, v!.length])),
    );
    figures.slowestRefusalMs = Math.round(Math.max(...probes.map((p) => p.ms)));

    expect(probes.length).toBeGreaterThan(0);
    // GraphQL answers 200 once execution started (GraphQL over HTTP), with the code in extensions;
    // plain HTTP routes answer 503. Never a 500, never a hang.
    for (const answer of probes) {
      expect([answer.route, answer.status, answer.code]).toEqual([
        answer.route,
        answer.route === 'graphql' ? 200 : 503,
        'SERVICE_UNAVAILABLE',
      ]);
    }
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(ANSWER_WITHIN_MS);
    expect(ready.status).toBe(503);
    expect(readiness).toMatchObject({ status: 'not-ready', database: 'unreachable' });
    expect(health.status).toBe(200);
    expect([api.child.exitCode, api.child.signalCode, scorer.child.exitCode, scorer.child.signalCode]).toEqual([null, null, null, null]);
  }, 240_000);

  it('PostgreSQL starts again: the API is ready and the scorer scores again by themselves, with no restart of either', async () => {
    const restartedAt = performance.now();
    postgres = await startPostgres();
    figures.postgresDownMs = Math.round(restartedAt - stoppedAt);
    let readyAfterMs: number | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      if ((await fetch(`${client.url}/readyz`)).status === 200) {
        readyAfterMs = performance.now() - restartedAt;
        break;
      }
    }
    figures.apiReadyAfterRestartMs = Math.round(readyAfterMs ?? -1);
    expect(readyAfterMs).toBeDefined();
    const account = owners.get(watched)!;
    const read = await client.graphql(`{ submission(id: "${watched}") { id status } }`, {}, account.auth);
    expect(read.body.errors).toBeUndefined();
    // The scorer takes jobs again: a submission made after the restart is scored.
    const session = await startSession(client, await register(client, 'restart-after'), SLUG);
    expect(session.id).toEqual(expect.any(String));
    const ids = [...owners.keys()];
    const ended = async () =>
      (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Result" WHERE "submissionId" = ANY($1)`, [ids]))[0]!.n;
    const before = await ended();
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && (await ended()) === before;) await sleep(200);
    figures.firstResultAfterRestartMs = Math.round(performance.now() - restartedAt);
    expect(await ended()).toBeGreaterThan(before);
    expect([api.child.exitCode, api.child.signalCode, scorer.child.exitCode, scorer.child.signalCode]).toEqual([null, null, null, null]);
  }, 240_000);

  it('every acknowledged submission ends SCORED with exactly one result; the subscriber followed its submission to the end', async () => {
    const ids = [...owners.keys()];
    const started = performance.now();
    for (const deadline = Date.now() + 240_000; Date.now() < deadline; await sleep(500)) {
      const [row] = await sql<{ open: number }>(
        `SELECT count(*)::int AS open FROM "Submission" WHERE id = ANY($1) AND status IN ('QUEUED', 'RUNNING')`,
        [ids],
      );
      if (row!.open === 0) break;
    }
    figures.allEndedAfterMs = Math.round(performance.now() - started);
    const rows = await sql<{ id: string; status: string; claim: number; results: number; resultClaim: number }>(
      `SELECT s.id, s.status, s."scoringClaim" AS claim, count(r.id)::int AS results, min(r."scoringClaim") AS "resultClaim"
         FROM "Submission" s LEFT JOIN "Result" r ON r."submissionId" = s.id WHERE s.id = ANY($1) GROUP BY s.id`,
      [ids],
    );
    figures.resultsPerSubmission = JSON.stringify(
      Object.fromEntries(Object.entries(Object.groupBy(rows, (r) => String(r.results))).map(([k, v]) => [k, v!.length])),
    );
    figures.rerunClaims = rows.filter((row) => row.claim > 1).length;
    const report = { submissions: SUBMISSIONS, plannedOutageMs: OUTAGE_MS, ...figures };
    process.stderr.write(
      `${Object.entries(report)
        .map(([name, value]) => `[faults] postgres restart: ${name} = ${value}`)
        .join('\n')}\n`,
    );
    expect(rows).toHaveLength(SUBMISSIONS);
    for (const row of rows) expect(row).toMatchObject({ status: 'SCORED', results: 1, resultClaim: row.claim });
    const updates = await watch.done;
    expect(updates.at(-1)).toMatchObject({ id: watched, status: 'SCORED' });
  }, 300_000);
});
