/**
 * What the benches share: command-line options, timing and formatting, the PostgreSQL they run on
 * (a fresh embedded cluster, or the server DATABASE_URL names), a POST over a kept-alive
 * connection, and the bulk seeding of scored results.
 *
 * An ES module (it has `export`s), loaded by the CommonJS bench scripts with require (Node 24
 * loads ES modules with require). It cannot know its own path without `import.meta`, which the
 * type checker refuses in this repository's CommonJS sources, so what it needs from dist/ is
 * handed to it by the caller.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Agent, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import type * as Config from '../libs/config/src';
import type * as Db from '../libs/db/src';
import type * as TestDatabase from '../libs/testing/src/test-database';

/** `--name N` from the command line: a whole number ≥ `min`, or `fallback`. */
export function option(name: string, fallback: number, min = 1): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} needs a whole number ≥ ${min}`);
  return value;
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;
export const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
export const count = (value: number) => value.toLocaleString('en-US');

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** The machine, as every bench's first line states it. */
export function machine(): string {
  return `Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString().slice(0, 10)}`;
}

export const loadAverage = () => loadavg()[0]!;

/** A keep-alive agent with one connection: one client, one socket, as a browser tab talks to the API. */
export const keepAliveAgent = () => new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * POST JSON with node:http over `agent`, the leanest client Node has (the client runs in the
 * bench's process, so its own cost counts in what it measures).
 */
export function post(
  url: string,
  body: string,
  agent: InstanceType<typeof Agent>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export function databaseUrl(clusterUrl: string, database: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** What `startPostgres` needs from dist/ (and libs/testing, which is not compiled: Node loads its TypeScript). */
export interface PostgresModules {
  EmbeddedDatabase: typeof Db.EmbeddedDatabase;
  findFreePort: typeof Config.findFreePort;
  loadConfig: typeof Config.loadConfig;
  withClient: typeof TestDatabase.withClient;
}

export interface BenchPostgres {
  /** `embedded, default settings` or `DATABASE_URL`. */
  kind: string;
  version: string;
  /** A database of the bench's own (empty, or a copy of one made by `create` before); its URL. */
  create(name: string, template?: string): Promise<string>;
  drop(name: string): Promise<void>;
  /** Drops what `create` made (on a DATABASE_URL server) or stops the embedded cluster. */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL a bench runs on: the server DATABASE_URL names (read through libs/config; the
 * bench creates and drops its own databases there), or a fresh embedded cluster in `scratch`.
 */
export async function startPostgres(modules: PostgresModules, scratch: string, prefix: string): Promise<BenchPostgres> {
  const external = modules.loadConfig().databaseUrl;
  const embedded = external
    ? undefined
    : await modules.EmbeddedDatabase.start({ dataDir: scratch, port: await modules.findFreePort(), database: 'postgres' });
  const clusterUrl = external ?? embedded!.url;
  const unique = `${prefix}_${randomBytes(3).toString('hex')}`;
  const created = new Set<string>();
  const { withClient } = modules;
  const admin = (sql: string) => withClient(databaseUrl(clusterUrl, 'postgres'), (client) => client.query(sql));
  const version = await withClient(
    clusterUrl,
    async (client) => (await client.query('SHOW server_version')).rows[0].server_version as string,
  );
  const settings = await withClient(clusterUrl, async (client) =>
    (await client.query(`SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_connections')`)).rows
      .map((row: { name: string; setting: string; unit: string | null }) => `${row.name} ${row.setting}${row.unit ?? ''}`)
      .join(', '),
  );
  const drop = async (name: string) => {
    await admin(`DROP DATABASE IF EXISTS "${unique}_${name}" WITH (FORCE)`);
    created.delete(name);
  };
  return {
    kind: `${external ? 'DATABASE_URL' : 'embedded, default settings'}: ${settings}`,
    version,
    async create(name, template) {
      await admin(`CREATE DATABASE "${unique}_${name}"${template ? ` TEMPLATE "${unique}_${template}"` : ''}`);
      created.add(name);
      return databaseUrl(clusterUrl, `${unique}_${name}`);
    },
    drop,
    async stop() {
      if (external) for (const name of [...created]) await drop(name).catch(() => undefined);
      await embedded?.stop();
    },
  };
}

export interface ChallengeRow {
  id: string;
  slug: string;
  kind: string;
  points: number;
}

export const RESULTS_PER_LEARNER = 10;
/** One team per 100 learners; 30% of learners are members (teams of 30). */
export const LEARNERS_PER_TEAM_SLOT = 100;
const TEAM_MEMBER_TENTHS = 3;
const PASSED_SHARE = 0.85;
const APPROVED_SHARE = 0.6;
export const SEED_DAYS = 56;
/** The speedup the points are scaled against (the catalog's targets are about this). */
export const TARGET = 1.1;

/** The catalog's challenges as stored (after the catalog sync). */
export async function storedChallenges(client: Client): Promise<ChallengeRow[]> {
  return (await client.query<ChallengeRow>(`SELECT id, slug, kind, points FROM "Challenge"`)).rows;
}

/**
 * Which challenge each of a learner's 10 results is on, by result index j and learner number mod 60:
 * j 0–6 the OPTIMIZE_MODEL challenges (each learner tries all of them, one or two results each),
 * j 7–8 two AI_FREE_SESSION ones, j 9 one of the reviewed kinds (approved 60% of the time).
 */
function slotValues(challenges: ChallengeRow[]): string {
  const ofKind = (...kinds: string[]) => challenges.filter((c) => kinds.includes(c.kind)).sort((a, b) => a.slug.localeCompare(b.slug));
  const optimize = ofKind('OPTIMIZE_MODEL');
  const aiFree = ofKind('AI_FREE_SESSION');
  const reviewed = ofKind('DOCUMENT_RESULTS', 'PORT_TO_JAX');
  if (!optimize.length || !aiFree.length || !reviewed.length) throw new Error('the catalog needs challenges of every kind');
  const rows: string[] = [];
  for (let j = 0; j < RESULTS_PER_LEARNER; j++) {
    for (let r = 0; r < 60; r++) {
      const challenge =
        j < 7 ? optimize[(r + j) % optimize.length] : j < 9 ? aiFree[(r + j) % aiFree.length] : reviewed[r % reviewed.length];
      rows.push(`(${j}, ${r}, '${challenge!.id}'::uuid)`);
    }
  }
  return rows.join(',\n');
}

/**
 * Scored results in bulk — 10 per learner (30% of learners in teams of 30, results over the
 * catalog's challenges, mostly OPTIMIZE_MODEL, spread over 8 weeks), each with its attempt and
 * SCORED submission — then ANALYZE. The learners are created (`learner<n>`, `results` / 10 of them)
 * unless `learnerIds` names existing ones (registered through the API), one per 10 results. Points as
 * the scorer gives them (libs/domain `speedupPoints`, its cap handed in as `pointsCap`).
 * Consistent by construction; foreign-key triggers are off for `client`'s session where allowed
 * (superuser), and its temporary tables stay there: give it a connection of its own. The standings are not built: run `recomputeStandings` after it.
 * @returns per-step times
 */
export async function seedResults(
  client: Client,
  challenges: ChallengeRow[],
  { results, learnerIds, pointsCap }: { results: number; learnerIds?: readonly string[]; pointsCap: number },
): Promise<{ step: string; ms: number }[]> {
  const learners = Math.ceil(results / RESULTS_PER_LEARNER);
  if (learnerIds && learnerIds.length !== learners) throw new Error(`${results} results need ${learners} learners`);
  const teams = Math.max(1, Math.floor(learners / LEARNERS_PER_TEAM_SLOT));
  const steps: { step: string; ms: number }[] = [];
  const run = async (step: string, sql: string, values?: unknown[]) =>
    steps.push({ step, ms: (await timed(() => client.query(sql, values))).ms });
  await client.query(`SET session_replication_role = replica`).catch(() => undefined);
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SELECT setseed(0.42)`);
  await client.query(`CREATE TEMP TABLE bench_slot (j int, r int, challenge_id uuid)`);
  await client.query(`INSERT INTO bench_slot VALUES ${slotValues(challenges)}`);
  // Learner number u → user id.
  await client.query(`CREATE TEMP TABLE bench_learner (u int PRIMARY KEY, id uuid NOT NULL)`);
  if (learnerIds) {
    await client.query(`INSERT INTO bench_learner SELECT n - 1, id FROM unnest($1::uuid[]) WITH ORDINALITY AS l(id, n)`, [learnerIds]);
  } else {
    await client.query(`INSERT INTO bench_learner SELECT u, md5('bench-user-' || u)::uuid FROM generate_series(0, ${learners - 1}) u`);
  }
  await run(
    'plan',
    `CREATE TEMP TABLE bench_plan AS
     SELECT g.i, g.u, l.id AS user_id, c.id AS challenge_id, c.kind::text AS kind, c.points AS base_points, c."currentVersion" AS version,
            now() - interval '1 day' * (${SEED_DAYS} * random()) AS created_at,
            random() < ${PASSED_SHARE} AS passed,
            round((${TARGET} + 1.9 * random())::numeric, 3)::float8 AS speedup,
            random() < ${APPROVED_SHARE} AS approved,
            random() AS share
       FROM (SELECT i, i / ${RESULTS_PER_LEARNER} AS u, i % ${RESULTS_PER_LEARNER} AS j FROM generate_series(0, ${results - 1}) i) g
       JOIN bench_learner l ON l.u = g.u
       JOIN bench_slot s ON s.j = g.j AND s.r = g.u % 60
       JOIN "Challenge" c ON c.id = s.challenge_id`,
  );
  if (!learnerIds) {
    await run(
      'users',
      `INSERT INTO "User" (id, email, handle, "passwordHash", role, "createdAt", "updatedAt")
       SELECT id, 'learner' || u || '@bench.test', 'learner' || u,
              '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0$YmVuY2hoYXNoYmVuY2hoYXNoYmVuY2hoYXNo', 'LEARNER'::"Role",
              now() - interval '${SEED_DAYS + 7} days', now() - interval '${SEED_DAYS + 7} days'
         FROM bench_learner`,
    );
  }
  await run(
    'teams',
    `INSERT INTO "Team" (id, slug, name, "inviteCode", "createdAt")
     SELECT md5('bench-team-' || t)::uuid, 'team-' || t, 'Team ' || t, 'bench-invite-' || t, now() - interval '${SEED_DAYS + 7} days'
       FROM generate_series(0, ${teams - 1}) t;
     INSERT INTO "Membership" ("userId", "teamId", role, "joinedAt")
     SELECT id, md5('bench-team-' || (u % ${teams}))::uuid,
            (CASE WHEN u < ${teams} THEN 'OWNER' ELSE 'MEMBER' END)::"TeamRole", now() - interval '${SEED_DAYS + 6} days'
       FROM bench_learner
      WHERE (u / ${teams}) % 10 < ${TEAM_MEMBER_TENTHS}`,
  );
  await run(
    'attempts',
    `INSERT INTO "Attempt" (id, "userId", "challengeId", "challengeVersion", "secretSeed", "createdAt")
     SELECT md5('bench-attempt-' || u || '-' || challenge_id)::uuid, user_id, challenge_id, min(version),
            md5('bench-seed-' || u || '-' || challenge_id), min(created_at) - interval '1 hour'
       FROM bench_plan GROUP BY u, user_id, challenge_id`,
  );
  await run(
    'submissions',
    `INSERT INTO "Submission" (id, "attemptId", "userId", "challengeId", status, "modelSha256", "jobId", "scoringClaim", progress, "createdAt", "updatedAt")
     SELECT md5('bench-submission-' || i)::uuid, md5('bench-attempt-' || u || '-' || challenge_id)::uuid, user_id,
            challenge_id, 'SCORED'::"SubmissionStatus",
            CASE WHEN kind IN ('OPTIMIZE_MODEL', 'PORT_TO_JAX') THEN md5('bench-model-' || i) || md5('bench-model+' || i) END,
            'bench-job-' || i, 1, 1, created_at - interval '2 minutes', created_at
       FROM bench_plan`,
  );
  await run(
    'results',
    `INSERT INTO "Result" (id, "submissionId", verdict, points, metrics, flags, environment, "jobId", "scoringClaim", "createdAt", "approvedPoints", "approvedAt")
     SELECT md5('bench-result-' || i)::uuid, md5('bench-submission-' || i)::uuid,
            (CASE WHEN passed THEN 'PASSED' ELSE 'FAILED' END)::"Verdict",
            CASE WHEN passed AND kind IN ('OPTIMIZE_MODEL', 'AI_FREE_SESSION')
                 THEN round((base_points * CASE WHEN kind = 'OPTIMIZE_MODEL' THEN least(speedup / ${TARGET}, ${pointsCap}) ELSE 1 END)::numeric, 2)::float8
                 ELSE 0 END,
            CASE WHEN kind = 'OPTIMIZE_MODEL' THEN jsonb_build_object('timing', jsonb_build_object('speedup', speedup)) ELSE '{}'::jsonb END,
            '{}'::text[],
            -- Everything the API shows of an environment (the scorer writes the same fields).
            '{"deviceClass":"cpu","executionProvider":"cpu","host":"bench","scorerVersion":"bench","ortVersion":"1.30.0","cpuModel":"bench"}'::jsonb,
            'bench-job-' || i, 1, created_at,
            CASE WHEN passed AND approved AND kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN round((base_points * (0.5 + 0.5 * share))::numeric, 2)::float8 END,
            CASE WHEN passed AND approved AND kind IN ('DOCUMENT_RESULTS', 'PORT_TO_JAX') THEN least(created_at + interval '1 day', now()) END
       FROM bench_plan`,
  );
  await run('analyze', `DROP TABLE bench_plan; ANALYZE`);
  return steps;
}
