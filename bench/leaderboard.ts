/**
 * The leaderboard benchmark of issue #9, measured side by side in one run (not part of `npm test`).
 * Two databases of the same shape on one PostgreSQL — "big": 1,000,000 results of 100,000
 * learners; "small": 10,000 results of 1,000 learners (10 results per learner, 30% of learners in
 * teams of 30, results over the catalog's challenges, mostly OPTIMIZE_MODEL, spread over 8 weeks) —
 * seeded in bulk (INSERT … SELECT generate_series), then the standings built by
 * `recomputeStandings` (what the admin recompute runs), then:
 *   (a) a top-100 page, p50 through the real API (GraphQL over HTTP: `leaderboard(first: 100)`)
 *       vs exactly the statement the repository runs (`boardPageSql(...).text/.values`) through a
 *       `pg` Client, interleaved, on the big database (goal: ratio ≤ 3), for the largest CHALLENGE
 *       board and the GLOBAL board; between the two, the same page from LeaderboardsService.board
 *       and LeaderboardRepository.page (no HTTP), and a `{ __typename }` request (the floor of any
 *       GraphQL request), to show where the difference goes;
 *   (b) the cost of recording one new result, p50 at 1M vs at 10k, interleaved (goal: ratio ≤ 1.5):
 *       a QUEUED submission of a learner with 10 results claimed and finished as the scorer does
 *       (`TransactionRunner.run(tx => ScoringRepository.claim(...))`, then
 *       `TransactionRunner.run(tx => ScoringRepository.finish(...))`, which writes the result and
 *       refreshes the learner's, challenge's and team's standings in the same transaction);
 *   and the plan of the top-100 statement (EXPLAIN (ANALYZE, BUFFERS)) on the big database.
 * PostgreSQL is the embedded one (a fresh cluster in a temporary folder, default settings) unless
 * DATABASE_URL names a server, on which the bench creates and drops its own databases.
 *
 * Run from the repository root, after the build (Node 24 runs this file directly: its types are
 * only stripped, and it loads the compiled code from dist/):
 *
 *   npm run build && node_modules/.bin/node bench/leaderboard.ts [--results 1000000] [--small 10000] [--requests 200] [--recordings 200]
 */
import type * as Support from './support';
import type * as TestDatabase from '../libs/testing/src/test-database';
import type * as PinoModule from 'pino';
import type * as Db from '../libs/db/src';
import type * as Reads from '../libs/db/src/repositories/leaderboard-reads';
import type * as Upkeep from '../libs/db/src/repositories/leaderboard-upkeep';
import type * as Config from '../libs/config/src';
import type * as Catalog from '../libs/catalog/src';
import type * as Domain from '../libs/domain/src';
import type * as Core from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type * as AppModuleFile from '../apps/api/src/app.module';
import type * as Server from '../apps/api/src/bootstrap/server';
import type * as Leaderboards from '../apps/api/src/leaderboards/leaderboards.service';
import type * as Statistics from '../sandboxes/onnx/statistics';

// A CommonJS script (no import statements survive type stripping), so it can load the compiled
// CommonJS modules of dist/ with a plain require.
const { createRequire } = process.getBuiltinModule('node:module');
const { cpus, tmpdir } = process.getBuiltinModule('node:os');
const { join } = process.getBuiltinModule('node:path');
const { mkdtempSync, rmSync } = process.getBuiltinModule('node:fs');
const load = createRequire(__filename);
const dist = (path: string) => join(__dirname, '../dist', path);

load('reflect-metadata');
const pino = load('pino') as typeof PinoModule.default;
const { ChallengeRepository, EmbeddedDatabase, LeaderboardRepository, migrate, PrismaService, ScoringRepository, TransactionRunner } = load(
  dist('libs/db/src/index.js'),
) as typeof Db;
const { boardPageSql } = load(dist('libs/db/src/repositories/leaderboard-reads.js')) as typeof Reads;
const { recomputeStandings } = load(dist('libs/db/src/repositories/leaderboard-upkeep.js')) as typeof Upkeep;
const { findFreePort, loadConfig, projectRoot } = load(dist('libs/config/src/index.js')) as typeof Config;
const { catalogLocation, loadCatalog, toStoredChallenge } = load(dist('libs/catalog/src/index.js')) as typeof Catalog;
const { periodKey, POINTS_CAP, seededRandom, speedupPoints } = load(dist('libs/domain/src/index.js')) as typeof Domain;
// Not compiled to dist/ (a library for tests): Node loads its TypeScript.
const { withClient } = load('../libs/testing/src/test-database.ts') as typeof TestDatabase;
const { NestFactory } = load('@nestjs/core') as typeof Core;
const { AppModule } = load(dist('apps/api/src/app.module.js')) as typeof AppModuleFile;
const { createHttpAdapter, serve } = load(dist('apps/api/src/bootstrap/server.js')) as typeof Server;
const { LeaderboardsService } = load(dist('apps/api/src/leaderboards/leaderboards.service.js')) as typeof Leaderboards;
const { median, percentile } = load(dist('sandboxes/onnx/statistics.js')) as typeof Statistics;
const {
  count,
  keepAliveAgent,
  loadAverage,
  machine,
  ms,
  option,
  post: postWith,
  RESULTS_PER_LEARNER,
  LEARNERS_PER_TEAM_SLOT,
  SEED_DAYS,
  seconds,
  seedResults,
  startPostgres,
  storedChallenges,
  TARGET,
  timed,
} = load('./support.ts') as typeof Support;

const BOARD_CHALLENGE = 'pruned-mlp-speedup';
const WARMUP = 20;
/** Lines of the top-100 statement's plan printed. */
const PLAN_LINES = 16;

/**
 * POST over a kept-alive connection with node:http, the leanest client Node has: the client runs in
 * this process beside the API, so its own cost counts in the GraphQL column (the report prints the
 * floor through fetch too, to show what a heavier client adds).
 */
const keepAlive = keepAliveAgent();
const post = (url: string, body: string) => postWith(url, body, keepAlive);

/** The application's configuration over `url` (no scorer in the API process; requests logged at info, to /dev/null). */
function benchConfig(url: string, artifacts: string): Config.AppConfig {
  return loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: url,
    ARTIFACT_STORE: artifacts,
    SCORER: 'none',
  });
}

/** Row counts of a seeded database. */
interface Counts {
  results: number;
  learners: number;
  members: number;
  bests: number;
  totals: number;
  teams: number;
  board: number;
  bytes: number;
}

interface Recording {
  submissionId: string;
  points: number;
  speedup: number;
}

/** QUEUED submissions (one each) of `howMany` different learners on one of their OPTIMIZE_MODEL attempts, with the points each will get. */
async function queueSubmissions(url: string, learners: number, howMany: number, seedNumber: number): Promise<Recording[]> {
  const random = seededRandom(seedNumber);
  const picked = new Set<number>();
  while (picked.size < Math.min(howMany, learners)) picked.add(Math.floor(random() * learners));
  const handles = [...picked].map((u) => `learner${u}`);
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ id: string; points: number }>(
      `INSERT INTO "Submission" (id, "attemptId", "userId", "challengeId", status, "modelSha256", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), a.id, u.id, a."challengeId", 'QUEUED', md5(h.handle) || md5(h.handle || '+'), now(), now()
         FROM unnest($1::text[]) WITH ORDINALITY h(handle, n)
         JOIN "User" u ON u.handle = h.handle
         JOIN LATERAL (SELECT a.id, a."challengeId" FROM "Attempt" a JOIN "Challenge" c ON c.id = a."challengeId"
                        WHERE a."userId" = u.id AND c.kind = 'OPTIMIZE_MODEL' ORDER BY c.slug LIMIT 1 OFFSET (h.n % 4)) a ON true
        ORDER BY h.n
       RETURNING id, (SELECT points FROM "Challenge" WHERE id = "challengeId") AS points`,
      [handles],
    );
    await client.query('ANALYZE "Submission"');
    // The same distribution as the seeded results: some improve the learner's best, some do not.
    return rows.map((row) => {
      const speedup = Math.round((TARGET + 1.9 * random()) * 1000) / 1000;
      return {
        submissionId: row.id,
        speedup,
        points: speedupPoints(row.points, { speedup, speedupLow: speedup, speedupHigh: speedup }, TARGET),
      };
    });
  });
}

const SCORER_ID = '00000000-0000-4000-8000-00000000b1e0';

/** The scorer a claim names (a registered one, as in production). */
async function registerScorer(url: string): Promise<void> {
  await withClient(url, (client) =>
    client.query(
      `INSERT INTO "Scorer" (id, host, pid, version, "deviceClasses", "executionProviders", "ortVersion", "cpuModel")
       VALUES ($1, 'bench', $2, 'bench', '{cpu}', '{cpu}', '1.30.0', $3)`,
      [SCORER_ID, process.pid, cpus()[0]?.model ?? 'unknown'],
    ),
  );
}

interface Side {
  name: string;
  results: number;
  learners: number;
  url: string;
  prisma: Db.PrismaService;
  transactions: Db.TransactionRunner;
  scoring: Db.ScoringRepository;
}

/** One recording as the scorer does it: claim in one transaction, finish (result + standings) in the next. */
async function record(side: Side, recording: Recording, index: number) {
  const started = performance.now();
  const claim = await side.transactions.run((tx) => side.scoring.claim(recording.submissionId, SCORER_ID, tx));
  if (claim === null) throw new Error(`${side.name}: submission ${recording.submissionId} could not be claimed`);
  const claimed = performance.now();
  const delta = await side.transactions.run((tx) =>
    side.scoring.finish(
      recording.submissionId,
      claim,
      `bench-recording-${index}`,
      SCORER_ID,
      {
        status: 'SCORED',
        rejection: null,
        result: {
          verdict: 'PASSED',
          points: recording.points,
          metrics: { timing: { speedup: recording.speedup } },
          flags: [],
          environment: { deviceClass: 'cpu', executionProvider: 'cpu', scorerId: SCORER_ID },
        },
      },
      tx,
    ),
  );
  if (delta === null) throw new Error(`${side.name}: submission ${recording.submissionId} could not be finished`);
  const finished = performance.now();
  return { totalMs: finished - started, finishMs: finished - claimed, changed: delta.userIds.length > 0, teams: delta.teamIds.length };
}

/** How a top-100 page is read, from the outside in. */
const LAYERS = ['graphql', 'service', 'repository', 'sql'] as const;
type Layer = (typeof LAYERS)[number];

const LEADERBOARD_QUERY = (scope: 'CHALLENGE' | 'GLOBAL') =>
  `{ leaderboard(scope: ${scope}${scope === 'CHALLENGE' ? `, challengeSlug: "${BOARD_CHALLENGE}"` : ''}, first: 100) ` +
  '{ edges { node { rank handle team points speedup achievedAt isBaseline } } } }';

async function main(): Promise<void> {
  const bigResults = option('results', 1_000_000);
  const smallResults = option('small', 10_000);
  const requests = option('requests', 200);
  const recordings = option('recordings', 200);
  const loadBefore = loadAverage();
  const runStarted = performance.now();
  const log = (line: string) => console.error(`[${seconds(performance.now() - runStarted).padStart(7)}] ${line}`);

  // The PostgreSQL: the one DATABASE_URL names, or a fresh embedded cluster.
  const scratch = mkdtempSync(join(tmpdir(), 'proving-bench-leaderboard-'));
  const postgres = await startPostgres({ EmbeddedDatabase, findFreePort, loadConfig, withClient }, scratch, 'bench_leaderboard');
  const urls: Record<'big' | 'small', string> = { big: '', small: '' };
  const sides: Side[] = [];
  let server: Server.RunningServer | undefined;
  try {
    // A migrated template with the catalog synced; both databases are cloned from it (same challenge ids).
    const templateUrl = await postgres.create('template');
    await migrate(templateUrl);
    {
      const config = benchConfig(templateUrl, join(scratch, 'artifacts'));
      const prisma = new PrismaService(templateUrl, config);
      const entries = loadCatalog(catalogLocation(projectRoot())).map(toStoredChallenge);
      await new TransactionRunner(prisma).run((tx) => new ChallengeRepository(prisma).sync(entries, tx));
      await prisma.$disconnect();
      // Published before the seeded results (an OPTIMIZE_MODEL board's baseline row shows this date).
      await withClient(templateUrl, (client) =>
        client.query(`UPDATE "Challenge" SET "createdAt" = now() - interval '${SEED_DAYS + 7} days'`),
      );
    }
    urls.big = await postgres.create('big', 'template');
    urls.small = await postgres.create('small', 'template');
    const challenges = await withClient(templateUrl, storedChallenges);
    await postgres.drop('template');

    const seeding: {
      name: string;
      steps: { step: string; ms: number }[];
      recomputeMs: number;
      vacuumMs: number;
      rows: Counts;
    }[] = [];
    for (const [name, results] of [
      ['big', bigResults],
      ['small', smallResults],
    ] as const) {
      const url = urls[name];
      log(`seeding ${name}: ${count(results)} results`);
      const steps = await withClient(url, (client) => seedResults(client, challenges, { results, pointsCap: POINTS_CAP }));
      const config = benchConfig(url, join(scratch, 'artifacts'));
      const prisma = new PrismaService(url, config);
      const transactions = new TransactionRunner(prisma);
      log(`recomputing the standings of ${name}`);
      const recompute = await timed(() => transactions.run((tx) => recomputeStandings(tx), { timeoutMs: 3_600_000 }));
      const vacuum = await timed(() => withClient(url, (client) => client.query('VACUUM ANALYZE')));
      const rows = await withClient(
        url,
        async (client) =>
          (
            await client.query<Counts>(
              `SELECT (SELECT count(*) FROM "Result")::int AS results, (SELECT count(*) FROM "User")::int AS learners,
                      (SELECT count(*) FROM "Membership")::int AS members, (SELECT count(*) FROM "LeaderboardBest")::int AS bests,
                      (SELECT count(*) FROM "LeaderboardTotal")::int AS totals, (SELECT count(*) FROM "LeaderboardTeamTotal")::int AS teams,
                      (SELECT count(*) FROM "LeaderboardBest" b JOIN "Challenge" c ON c.id = b."challengeId"
                        WHERE c.slug = '${BOARD_CHALLENGE}' AND b."deviceClass" = '*' AND b.period = 'ALL')::int AS board,
                      pg_database_size(current_database())::float8 AS bytes`,
            )
          ).rows[0]!,
      );
      seeding.push({ name, steps, recomputeMs: recompute.ms, vacuumMs: vacuum.ms, rows });
      await registerScorer(url);
      sides.push({
        name,
        results,
        learners: Math.ceil(results / RESULTS_PER_LEARNER),
        url,
        prisma,
        transactions,
        scoring: new ScoringRepository(prisma),
      });
    }
    const big = sides[0]!;

    // (a) Top-100 on the big database: the real API over HTTP vs the repository's statement through
    // pg; between them, the same page from the service and from the repository (no HTTP), to show
    // where the difference goes. The app is started as startServer does (migrations already applied).
    log('starting the API on the big database');
    const logger = pino({ level: 'info' }, pino.destination('/dev/null'));
    const apiConfig = benchConfig(big.url, join(scratch, 'artifacts'));
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(apiConfig, big.url, logger), createHttpAdapter(logger), {
      bufferLogs: true,
    });
    server = await serve(app, { config: apiConfig, logger, databaseUrl: big.url });
    const boardChallengeId = challenges.find((c) => c.slug === BOARD_CHALLENGE)!.id;
    const period = periodKey('ALL_TIME', new Date());
    const boards = [
      {
        name: `CHALLENGE ${BOARD_CHALLENGE}`,
        query: LEADERBOARD_QUERY('CHALLENGE'),
        args: { scope: 'CHALLENGE', challengeSlug: BOARD_CHALLENGE },
        key: { scope: 'CHALLENGE', challengeId: boardChallengeId, deviceClass: '*', period },
      },
      { name: 'GLOBAL', query: LEADERBOARD_QUERY('GLOBAL'), args: { scope: 'GLOBAL' }, key: { scope: 'GLOBAL', period } },
    ] as const;
    const endpoint = `${server.url}/graphql`;
    const service = app.get(LeaderboardsService);
    const repository = app.get(LeaderboardRepository);
    const reads = await withClient(big.url, async (pg) => {
      const statements = boards.map((board) => boardPageSql(board.key as Reads.BoardKey, null, 101));
      const layers: Record<Layer, (index: number) => Promise<string[]>> = {
        graphql: async (index) => {
          const response = await post(endpoint, JSON.stringify({ query: boards[index]!.query }));
          const body = JSON.parse(response.body) as {
            data?: { leaderboard?: { edges: { node: { handle: string } }[] } };
            errors?: unknown;
          };
          const edges = body.data?.leaderboard?.edges;
          if (response.status !== 200 || !edges || edges.length !== 100)
            throw new Error(`GraphQL answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
          return edges.map((edge) => edge.node.handle);
        },
        service: async (index) => (await service.board(boards[index]!.args, 100, null)).edges.map((edge) => edge.node.handle),
        repository: async (index) => (await repository.page(boards[index]!.key as Reads.BoardKey, null, 101)).map((row) => row.handle),
        sql: async (index) =>
          (await pg.query<{ handle: string }>(statements[index]!.text, statements[index]!.values as unknown[])).rows.map(
            (row) => row.handle,
          ),
      };
      // Every layer shows the same learners in the same order.
      for (const index of boards.keys()) {
        const pages = await Promise.all(LAYERS.map((layer) => layers[layer](index)));
        if (pages[3]!.length !== 101 || pages.some((page) => page.slice(0, 100).join() !== pages[3]!.slice(0, 100).join()))
          throw new Error(`${boards[index]!.name}: the layers disagree`);
      }
      const samples = boards.map(() => Object.fromEntries(LAYERS.map((layer) => [layer, [] as number[]])) as Record<Layer, number[]>);
      // The floor of any GraphQL request on this path: HTTP, the hooks and limits, an empty selection.
      const floor: number[] = [];
      // The same request through fetch, for comparison: the client's own cost is in these numbers.
      const floorFetch: number[] = [];
      const trivialFetch = async () => {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
        });
        if (response.status !== 200) throw new Error(`GraphQL answered ${response.status}`);
        await response.json();
      };
      const trivial = async () => {
        const response = await post(endpoint, '{"query":"{ __typename }"}');
        if (response.status !== 200) throw new Error(`GraphQL answered ${response.status}`);
        JSON.parse(response.body);
      };
      log(`top-100: ${WARMUP} warm-up and ${requests} measured requests per layer and board, interleaved`);
      for (let round = -WARMUP; round < requests; round++) {
        for (const index of boards.keys()) {
          // Each layer goes first in turn.
          for (let k = 0; k < LAYERS.length; k++) {
            const layer = LAYERS[(round + index + k + LAYERS.length * WARMUP) % LAYERS.length]!;
            const { ms: took } = await timed(() => layers[layer](index));
            if (round >= 0) samples[index]![layer].push(took);
          }
        }
        const { ms: took } = await timed(trivial);
        if (round >= 0) floor.push(took);
        const { ms: tookFetch } = await timed(trivialFetch);
        if (round >= 0) floorFetch.push(tookFetch);
      }
      const explain = await pg.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${statements[0]!.text}`,
        statements[0]!.values as unknown[],
      );
      return { samples, floor, floorFetch, plan: explain.rows.map((row) => row['QUERY PLAN']) };
    });

    // (b) Recording one result, 1M vs 10k, interleaved.
    const queued = await Promise.all(sides.map((side, index) => queueSubmissions(side.url, side.learners, WARMUP + recordings, 7 + index)));
    log(`recording: ${WARMUP} warm-up and ${recordings} measured results per database, interleaved`);
    const recorded = sides.map(() => ({ totalMs: [] as number[], finishMs: [] as number[], changed: 0, teams: 0 }));
    for (let round = 0; round < WARMUP + recordings; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const index of order) {
        const outcome = await record(sides[index]!, queued[index]![round]!, round);
        if (round < WARMUP) continue;
        recorded[index]!.totalMs.push(outcome.totalMs);
        recorded[index]!.finishMs.push(outcome.finishMs);
        if (outcome.changed) recorded[index]!.changed++;
        if (outcome.teams > 0) recorded[index]!.teams++;
      }
    }

    // The report.
    const loadAfter = loadAverage();
    console.log(
      `leaderboard benchmark: PostgreSQL ${postgres.version} (${postgres.kind}); ${machine()}; ` +
        `load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end`,
    );
    console.log('');
    console.log('seeding: INSERT … SELECT generate_series (foreign-key triggers off), then recomputeStandings, then VACUUM ANALYZE');
    for (const s of seeding) {
      const teams = Math.max(1, Math.floor(s.rows.learners / LEARNERS_PER_TEAM_SLOT));
      const inserts = s.steps.reduce((sum, step) => sum + step.ms, 0);
      console.log(
        `    ${s.name.padEnd(6)} ${count(s.rows.results)} results, ${count(s.rows.learners)} learners (${count(s.rows.members)} in ${count(teams)} teams), ` +
          `${(s.rows.bytes / 2 ** 20).toFixed(0)} MiB`,
      );
      console.log(
        `           inserts ${seconds(inserts)} (${s.steps.map((step) => `${step.step} ${seconds(step.ms)}`).join(', ')}); ` +
          `recomputeStandings ${seconds(s.recomputeMs)}; VACUUM ANALYZE ${seconds(s.vacuumMs)}`,
      );
      console.log(
        `           rows: LeaderboardBest ${count(s.rows.bests)}, LeaderboardTotal ${count(s.rows.totals)}, LeaderboardTeamTotal ${count(s.rows.teams)}; ` +
          `board ${BOARD_CHALLENGE} (*, ALL) ${count(s.rows.board)}`,
      );
    }
    console.log('');
    console.log(
      `(a) top-100 page on the big database, ${requests} requests per layer, interleaved (GraphQL: POST /graphql over HTTP to the real API; service: LeaderboardsService.board; repository: LeaderboardRepository.page through Prisma; SQL: the same boardPageSql(…, 101) through pg)`,
    );
    console.log(
      '    board                              GraphQL p50  p95        service p50  repository p50  SQL p50    p95        GraphQL / SQL p50  (goal ≤ 3)',
    );
    for (const [index, board] of boards.entries()) {
      const { graphql, service, repository, sql } = reads.samples[index]!;
      console.log(
        `    ${board.name.padEnd(34)} ${ms(median(graphql)).padStart(10)}  ${ms(percentile(graphql, 95)).padStart(9)}  ` +
          `${ms(median(service)).padStart(11)}  ${ms(median(repository)).padStart(14)}  ${ms(median(sql)).padStart(9)}  ` +
          `${ms(percentile(sql, 95)).padStart(9)}  ${(median(graphql) / median(sql)).toFixed(2).padStart(17)}`,
      );
    }
    console.log(
      `    any GraphQL request's floor ({ __typename } over the same path): p50 ${ms(median(reads.floor))}, p95 ${ms(percentile(reads.floor, 95))}; the same through fetch: p50 ${ms(median(reads.floorFetch))}`,
    );
    console.log('');
    console.log(`    EXPLAIN (ANALYZE, BUFFERS) of the CHALLENGE statement (big database):`);
    for (const line of reads.plan.slice(0, PLAN_LINES)) console.log(`      ${line}`);
    if (reads.plan.length > PLAN_LINES) console.log(`      … (${reads.plan.length - PLAN_LINES} more lines)`);
    console.log('');
    console.log(
      `(b) recording one new result (claim, then finish: result + refreshStandings), ${recordings} per database, interleaved; learners with 10 results each`,
    );
    console.log('    db     results    claim+finish p50  p95        finish p50  p95        standings changed  team totals changed');
    for (const [index, side] of sides.entries()) {
      const r = recorded[index]!;
      console.log(
        `    ${side.name.padEnd(6)} ${count(side.results).padStart(9)}  ${ms(median(r.totalMs)).padStart(16)}  ${ms(percentile(r.totalMs, 95)).padStart(9)}  ` +
          `${ms(median(r.finishMs)).padStart(10)}  ${ms(percentile(r.finishMs, 95)).padStart(9)}  ${`${r.changed}/${recordings}`.padStart(17)}  ${`${r.teams}/${recordings}`.padStart(19)}`,
      );
    }
    const [bigRecorded, smallRecorded] = recorded as [(typeof recorded)[0], (typeof recorded)[0]];
    console.log(
      `    big / small p50: claim+finish ${(median(bigRecorded.totalMs) / median(smallRecorded.totalMs)).toFixed(2)}, ` +
        `finish ${(median(bigRecorded.finishMs) / median(smallRecorded.finishMs)).toFixed(2)}   (goal ≤ 1.5)`,
    );
    console.log('');
    console.log(`total run time ${seconds(performance.now() - runStarted)}`);
  } finally {
    await server?.close().catch((error: unknown) => console.error(error));
    for (const side of sides) await side.prisma.$disconnect().catch(() => undefined);
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
