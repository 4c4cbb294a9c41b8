/**
 * The load benchmark of issue #11 (not part of `npm test`): N concurrent GraphQL clients for S
 * seconds against a real API process, with zero errors as the requirement.
 *
 * - The API is `npm start`'s process (dist/apps/api/src/main.js, NODE_ENV=production, requests
 *   logged at info to a file, SCORER=none) on a database of its own: a fresh embedded PostgreSQL
 *   in a temporary folder, or a database the bench creates on the server DATABASE_URL names.
 * - Every client is a distinct learner, registered through the API (the response carries its
 *   tokens: no login, so the per-account login limit is not involved), each with a kept-alive
 *   connection of its own.
 * - Each learner then has 10 SCORED submissions with results, seeded in bulk by the seeding of
 *   bench/leaderboard.ts (bench/support.ts) and the standings rebuilt by the API's own
 *   `recomputeLeaderboards` (an admin named by ADMIN_EMAILS).
 * - The query clients (all but `--subscribers`) loop without pause over an even, seeded random mix
 *   of `challenges`, `challenge(slug)`, `mySubmissions`, `submission(id)` of one of their own,
 *   and a GLOBAL and a CHALLENGE `leaderboard` page; every answer is checked (HTTP 200, no
 *   GraphQL error, the data expected).
 * - The subscribers hold graphql-ws subscriptions while results are written: half follow
 *   `leaderboardChanged` (GLOBAL and the CHALLENGE board of tabular-mlp-speedup), half
 *   `submissionUpdated` of a submission of their own, queued before the run and scored during it by
 *   a real scorer process (dist/apps/scorer/src/main.js) started with the load: every fifth one
 *   the catalog's known solution (a full benchmark, which moves both boards), the others a model
 *   of another challenge's signature (REJECTED by the static checks).
 * - Before the load, one client alone runs the same mix (`--baseline` seconds, no scorer): the
 *   single-client latencies the load's are divided by.
 *
 * An error is any non-200 answer, GraphQL error, unexpected data, socket error, a subscription
 * that errs or ends early, or a subscriber whose last event disagrees with the database (after
 * the scorer has stopped); each is printed, and the exit code is 1. Error lines in the API's log
 * count too.
 *
 * Run from the repository root, after the build (Node 24 runs this file directly: its types are
 * only stripped, and it loads the compiled code from dist/):
 *
 *   npm run build && node_modules/.bin/node bench/load.ts [--clients 200] [--seconds 60] [--subscribers 50] [--baseline 10]
 */
import type * as GraphqlWs from 'graphql-ws';
import type * as Support from './support';
import type * as Domain from '../libs/domain/src';
import type * as TestDatabase from '../libs/testing/src/test-database';
import type * as Db from '../libs/db/src';
import type * as Config from '../libs/config/src';
import type * as Statistics from '../sandboxes/onnx/statistics';

// A CommonJS script (no import statements survive type stripping), so it can load the compiled
// CommonJS modules of dist/ with a plain require.
const { createRequire } = process.getBuiltinModule('node:module');
const { spawn } = process.getBuiltinModule('node:child_process');
const { availableParallelism, tmpdir } = process.getBuiltinModule('node:os');
const { join } = process.getBuiltinModule('node:path');
const { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } = process.getBuiltinModule('node:fs');
const load = createRequire(__filename);
const dist = (path: string) => join(__dirname, '../dist', path);
const root = join(__dirname, '..');

const { EmbeddedDatabase } = load(dist('libs/db/src/index.js')) as typeof Db;
const { findFreePort, loadConfig } = load(dist('libs/config/src/index.js')) as typeof Config;
const { percentile } = load(dist('sandboxes/onnx/statistics.js')) as typeof Statistics;
const { POINTS_CAP, seededRandom } = load(dist('libs/domain/src/index.js')) as typeof Domain;
// Not compiled to dist/ (a library for tests): Node loads its TypeScript.
const { withClient } = load('../libs/testing/src/test-database.ts') as typeof TestDatabase;
const { createClient } = load('graphql-ws') as typeof GraphqlWs;
const {
  count,
  keepAliveAgent,
  loadAverage,
  machine,
  ms,
  option,
  post,
  RESULTS_PER_LEARNER,
  seconds,
  seedResults,
  startPostgres,
  storedChallenges,
} = load('./support.ts') as typeof Support;

/** The challenge the scored submissions are on, and the CHALLENGE board the subscribers follow. */
const WRITE_CHALLENGE = 'tabular-mlp-speedup';
/** A model of another signature: REJECTED by the static checks, before anything runs. */
const WRONG_SIGNATURE_OF = 'pruned-mlp-speedup';
const KNOWN_SOLUTION_EVERY = 5;
const BOARD_CHALLENGE = 'pruned-mlp-speedup';
const PASSWORD = 'correct horse battery staple';
/** Registrations at once (each hashes a password: argon2id). */
const REGISTER_CONCURRENCY = 4;
/** After the scorer stops: time for the last events to reach the subscribers. */
const DRAIN_MS = 2_000;
const ERRORS_SHOWN = 20;

interface Learner {
  index: number;
  id: string;
  handle: string;
  token: string;
  headers: Record<string, string>;
  /** Seeded SCORED submissions. */
  submissions: string[];
}

interface Operation {
  name: string;
  body(learner: Learner, random: () => number): string;
  /** What is wrong with the data, or null. */
  check(data: Record<string, unknown>, learner: Learner): string | null;
}

type Json = Record<string, unknown>;
const edgesOf = (connection: unknown) => ((connection as { edges?: { node: Json }[] } | null)?.edges ?? null) as { node: Json }[] | null;

/** The mix every query client draws from, evenly. */
function operations(slugs: string[]): Operation[] {
  const request = (query: string, variables?: Json) => JSON.stringify({ query, variables });
  const board = (edges: { node: Json }[] | null) => (edges && edges.length > 0 ? null : 'an empty board');
  return [
    {
      name: 'challenges',
      body: () =>
        request('{ challenges(first: 20) { edges { node { slug title kind points difficulty version } } pageInfo { hasNextPage } } }'),
      check: (data) => (edgesOf(data.challenges)?.length === slugs.length ? null : `not the ${slugs.length} challenges`),
    },
    {
      name: 'challenge(slug)',
      body: (_, random) =>
        request('query($slug: String!) { challenge(slug: $slug) { slug title kind brief points dailyQuota version retired } }', {
          slug: slugs[Math.floor(random() * slugs.length)],
        }),
      check: (data) => ((data.challenge as Json | null)?.slug ? null : 'no challenge'),
    },
    {
      name: 'mySubmissions',
      body: () =>
        request(
          '{ mySubmissions(first: 20) { edges { node { id status createdAt challenge { slug } result { verdict points speedup } } } pageInfo { hasNextPage } } }',
        ),
      check: (data) => {
        const edges = edgesOf(data.mySubmissions);
        if (edges?.length !== RESULTS_PER_LEARNER) return `${edges?.length} submissions, not ${RESULTS_PER_LEARNER}`;
        return edges.every((edge) => edge.node.status === 'SCORED' && edge.node.result) ? null : 'a submission not SCORED';
      },
    },
    {
      name: 'submission(id)',
      body: (learner, random) =>
        request(
          'query($id: ID!) { submission(id: $id) { id status createdAt challenge { slug title } result { verdict points flags speedup createdAt environment { deviceClass executionProvider cpuModel } } } }',
          { id: learner.submissions[Math.floor(random() * learner.submissions.length)] },
        ),
      check: (data) => {
        const submission = data.submission as Json | null;
        return submission?.status === 'SCORED' && submission.result ? null : `not a SCORED submission: ${JSON.stringify(submission)}`;
      },
    },
    {
      name: 'leaderboard GLOBAL',
      body: () => request('{ leaderboard(scope: GLOBAL, first: 20) { edges { node { rank handle team points achievedAt } } } }'),
      check: (data) => board(edgesOf(data.leaderboard)),
    },
    {
      name: 'leaderboard CHALLENGE',
      body: () =>
        request(
          `{ leaderboard(scope: CHALLENGE, challengeSlug: "${BOARD_CHALLENGE}", first: 20) { edges { node { rank handle team points speedup achievedAt isBaseline } } } }`,
        ),
      check: (data) => board(edgesOf(data.leaderboard)),
    },
  ];
}

/** Errors by kind: each kind counted, its first example kept. */
class Errors {
  private readonly kinds = new Map<string, { count: number; example: string }>();
  add(kind: string, example: string): void {
    const known = this.kinds.get(kind);
    if (known) known.count++;
    else this.kinds.set(kind, { count: 1, example: example.slice(0, 400) });
  }
  get total(): number {
    return [...this.kinds.values()].reduce((sum, kind) => sum + kind.count, 0);
  }
  lines(): string[] {
    return [...this.kinds.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, ERRORS_SHOWN)
      .map(([kind, { count: n, example }]) => `    ${String(n).padStart(6)} × ${kind}: ${example}`);
  }
}

/** Per operation, the latencies of the answers that were right. */
type Samples = Map<string, number[]>;

/** One client: the mix, one request at a time, until `until` (performance.now()). */
async function runClient(
  endpoint: string,
  learner: Learner,
  mix: Operation[],
  until: number,
  samples: Samples,
  errors: Errors,
): Promise<void> {
  const agent = keepAliveAgent();
  const random = seededRandom(1_000 + learner.index);
  try {
    while (performance.now() < until) {
      const operation = mix[Math.floor(random() * mix.length)]!;
      const body = operation.body(learner, random);
      const started = performance.now();
      let response: { status: number; body: string };
      try {
        response = await post(endpoint, body, agent, learner.headers);
      } catch (error) {
        errors.add(`${operation.name}: socket error`, String(error));
        continue;
      }
      const took = performance.now() - started;
      if (response.status !== 200) {
        errors.add(`${operation.name}: HTTP ${response.status}`, response.body);
        continue;
      }
      const parsed = JSON.parse(response.body) as { data?: Json | null; errors?: { extensions?: { code?: string } }[] };
      if (parsed.errors?.length) {
        errors.add(`${operation.name}: GraphQL error ${parsed.errors[0]!.extensions?.code ?? ''}`, response.body);
        continue;
      }
      const wrong = parsed.data ? operation.check(parsed.data, learner) : 'no data';
      if (wrong) {
        errors.add(`${operation.name}: unexpected data`, `${learner.handle}: ${wrong}`);
        continue;
      }
      samples.get(operation.name)!.push(took);
    }
  } finally {
    agent.destroy();
  }
}

/** A graphql-ws subscription of one learner, on a socket of its own. */
interface Subscription {
  learner: Learner;
  what: string;
  /** Each event's payload, in arrival order. */
  events: Json[];
  /** The first event arrived (or the subscription ended). */
  first: Promise<void>;
  connected: Promise<void>;
  completed: boolean;
  close(): Promise<void>;
}

function subscribe(baseUrl: string, learner: Learner, what: string, query: string, variables: Json, errors: Errors): Subscription {
  let closing = false;
  let markConnected!: () => void;
  let markFirst!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const first = new Promise<void>((resolve) => (markFirst = resolve));
  const subscription: Subscription = {
    learner,
    what,
    events: [],
    first,
    connected,
    completed: false,
    close: async () => {
      closing = true;
      await client.dispose();
    },
  };
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: learner.headers.authorization },
    on: {
      connected: () => markConnected(),
      closed: (event) => {
        markConnected();
        markFirst();
        // graphql-ws closes a lazy socket once its last subscription completed: that close is expected.
        if (!closing && !subscription.completed) {
          const { code, reason } = event as { code?: number; reason?: string };
          errors.add(`${what}: socket closed`, `${learner.handle}: ${code} ${reason}`);
        }
      },
    },
  });
  client.subscribe<Json>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors?.length) errors.add(`${what}: GraphQL error`, `${learner.handle}: ${JSON.stringify(value.errors)}`);
        else subscription.events.push(Object.values(value.data ?? {})[0] as Json);
        markFirst();
      },
      error: (error) => {
        markFirst();
        errors.add(`${what}: subscription error`, `${learner.handle}: ${JSON.stringify(error)}`);
      },
      complete: () => {
        subscription.completed = true;
        markFirst();
      },
    },
  );
  return subscription;
}

/** The API's resident memory and V8 heap in use, MiB, from its GET /metrics (prom-client's process metrics). */
async function memory(baseUrl: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return { rss: metric('process_resident_memory_bytes'), heap: metric('nodejs_heap_size_used_bytes') };
}

/** CPU time a process has used, ms (user + system, from /proc/<pid>/stat; Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** MEMORY_EVERY_MS apart while the load runs, and IDLE_AFTER_MS after it. */
const MEMORY_EVERY_MS = 10_000;
const IDLE_AFTER_MS = 10_000;

interface Spawned {
  pid: number;
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

/** A compiled entry point of dist/, its output to `logFile`, with only the environment given (nothing of the bench's own). */
function spawnMain(main: string, env: Record<string, string>, logFile: string): Spawned {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [dist(main)], { cwd: root, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    pid: child.pid!,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls GET /readyz until 200. */
async function waitUntilReady(url: string, server: Spawned, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void server.exited.then((code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined)
      throw new Error(`the API exited (${exited}) before it was ready:\n${readFileSync(logFile, 'utf8').slice(-2_000)}`);
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API was not ready within ${timeoutMs} ms`);
}

/** Lines of a pino log at level warn (40) or above, by level. */
function logProblems(logFile: string): { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  if (!existsSync(logFile)) return { warnings, errors };
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line) continue;
    let level: number;
    try {
      level = (JSON.parse(line) as { level?: number }).level ?? 0;
    } catch {
      errors.push(line); // not pino's JSON: something wrote to stdout or stderr directly
      continue;
    }
    if (level >= 50) errors.push(line);
    else if (level >= 40) warnings.push(line);
  }
  return { warnings, errors };
}

async function graphql(url: string, query: string, variables: Json, headers: Record<string, string> = {}): Promise<Json> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Json; errors?: unknown };
  if (response.status !== 200 || !body.data || body.errors)
    throw new Error(`${query.slice(0, 60)}: ${response.status} ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function register(url: string, handle: string, email = `${handle}@bench.test`): Promise<{ id: string; token: string }> {
  const data = await graphql(url, 'mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }', {
    input: { email, handle, password: PASSWORD },
  });
  const payload = data.register as { accessToken: string; user: { id: string } };
  return { id: payload.user.id, token: payload.accessToken };
}

/** Queues one submission of `learner` on WRITE_CHALLENGE: PUT /artifacts, startAttempt, submitModel. */
async function queueSubmission(url: string, learner: Learner, model: Buffer): Promise<string> {
  const upload = await fetch(`${url}/artifacts`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', ...learner.headers },
    body: model,
  });
  if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const { sha256 } = (await upload.json()) as { sha256: string };
  const attempt = await graphql(url, `mutation { startAttempt(challengeSlug: "${WRITE_CHALLENGE}") { id } }`, {}, learner.headers);
  const submitted = await graphql(
    url,
    'mutation($i: SubmitModelInput!) { submitModel(input: $i) { id status } }',
    { i: { attemptId: (attempt.startAttempt as { id: string }).id, modelSha256: sha256 } },
    learner.headers,
  );
  return (submitted.submitModel as { id: string }).id;
}

/** `work` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

const TERMINAL = ['SCORED', 'REJECTED', 'FAILED'];
const mib = (m: { rss: number; heap: number }) => `${m.rss.toFixed(0)}/${m.heap.toFixed(0)}`;

async function main(): Promise<void> {
  const clients = option('clients', 200);
  const durationMs = option('seconds', 60) * 1000;
  const subscribers = option('subscribers', Math.round(clients / 4), 0);
  const baselineMs = option('baseline', 10) * 1000;
  if (subscribers >= clients) throw new Error('--subscribers must leave at least one query client');
  const loadBefore = loadAverage();
  const runStarted = performance.now();
  const log = (line: string) => console.error(`[${seconds(performance.now() - runStarted).padStart(7)}] ${line}`);
  const errors = new Errors();

  const scratch = mkdtempSync(join(tmpdir(), 'proving-bench-load-'));
  const postgres = await startPostgres({ EmbeddedDatabase, findFreePort, loadConfig, withClient }, scratch, 'bench_load');
  const apiLog = join(scratch, 'api.log');
  const scorerLog = join(scratch, 'scorer.log');
  let api: Spawned | undefined;
  let scorer: Spawned | undefined;
  const subscriptions: Subscription[] = [];
  let failed = true;
  try {
    const databaseUrl = await postgres.create('api');
    const port = await findFreePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const endpoint = `${baseUrl}/graphql`;
    const adminEmail = 'load-admin@bench.test';
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      ARTIFACT_STORE: join(scratch, 'artifacts'),
      DATA_DIR: join(scratch, 'data'),
      ADMIN_EMAILS: adminEmail,
      SCORER: 'none',
    };
    // `--cpu-prof DIR`: the API writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
    const profileDir = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
    const apiEnv = profileDir ? { ...env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : env;
    log('starting the API');
    api = spawnMain('apps/api/src/main.js', apiEnv, apiLog);
    await waitUntilReady(baseUrl, api, apiLog, 120_000);

    log(`registering ${clients} learners through the API (${REGISTER_CONCURRENCY} at a time)`);
    const registered = await pool(
      Array.from({ length: clients }, (_, index) => `load-learner-${index}`),
      REGISTER_CONCURRENCY,
      async (handle, index): Promise<Learner> => {
        const { id, token } = await register(baseUrl, handle);
        return { index, id, handle, token, headers: { authorization: `Bearer ${token}` }, submissions: [] };
      },
    );
    const admin = await register(baseUrl, 'load-admin', adminEmail);

    log(`seeding ${count(clients * RESULTS_PER_LEARNER)} scored submissions`);
    const challenges = await withClient(databaseUrl, storedChallenges);
    await withClient(databaseUrl, (client) =>
      seedResults(client, challenges, {
        results: clients * RESULTS_PER_LEARNER,
        learnerIds: registered.map((l) => l.id),
        pointsCap: POINTS_CAP,
      }),
    );
    const recompute = await graphql(
      baseUrl,
      'mutation { recomputeLeaderboards { bests totals teams corrected tookMs } }',
      {},
      { authorization: `Bearer ${admin.token}` },
    );
    const byUser = new Map(registered.map((learner) => [learner.id, learner]));
    await withClient(databaseUrl, async (client) => {
      const { rows } = await client.query<{ id: string; userId: string }>(`SELECT id, "userId" FROM "Submission" WHERE status = 'SCORED'`);
      for (const row of rows) byUser.get(row.userId)?.submissions.push(row.id);
    });
    const slugs = challenges.map((c) => c.slug).sort();
    // `--only NAME`: one operation of the mix (or `floor`, `{ __typename }`: what any request costs), to see what each costs.
    const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
    const floor: Operation = {
      name: 'floor',
      body: () => '{"query":"{ __typename }"}',
      check: (data) => (data.__typename ? null : 'no __typename'),
    };
    const mix = only ? [...operations(slugs), floor].filter((operation) => operation.name === only) : operations(slugs);
    if (mix.length === 0) throw new Error(`--only: no operation ${only}`);

    // The writes: the submission subscribers' own submissions, queued now, scored during the load.
    const queryLearners = registered.slice(0, clients - subscribers);
    const subscriberLearners = registered.slice(clients - subscribers);
    const boardFollowers = subscriberLearners.slice(0, Math.ceil(subscribers / 2));
    const submitters = subscriberLearners.slice(Math.ceil(subscribers / 2));
    const models = {
      solution: readFileSync(join(root, 'libs/catalog/build/_known-solutions', WRITE_CHALLENGE, 'known-solution.onnx')),
      wrong: readFileSync(join(root, 'libs/catalog/build', WRONG_SIGNATURE_OF, 'reference.onnx')),
    };
    log(`queueing ${submitters.length} submissions on ${WRITE_CHALLENGE}`);
    const queued = await pool(submitters, REGISTER_CONCURRENCY, (learner, index) =>
      queueSubmission(baseUrl, learner, index % KNOWN_SOLUTION_EVERY === 0 ? models.solution : models.wrong),
    );

    // The single client, alone.
    log(`one client alone for ${seconds(baselineMs)}`);
    const single: Samples = new Map(mix.map((operation) => [operation.name, []]));
    await runClient(endpoint, queryLearners[0]!, mix, performance.now() + baselineMs, single, errors);

    // The subscriptions, each on a socket of its own, then the scorer and the query clients.
    log(`${subscribers} subscriptions`);
    const boards = [
      { what: 'leaderboardChanged GLOBAL', variables: { scope: 'GLOBAL' } },
      { what: `leaderboardChanged CHALLENGE ${WRITE_CHALLENGE}`, variables: { scope: 'CHALLENGE', challengeSlug: WRITE_CHALLENGE } },
    ];
    for (const [index, learner] of boardFollowers.entries()) {
      const board = boards[index % boards.length]!;
      subscriptions.push(
        subscribe(
          baseUrl,
          learner,
          board.what,
          'subscription($scope: LeaderboardScope!, $challengeSlug: String) { leaderboardChanged(scope: $scope, challengeSlug: $challengeSlug) { scope challengeSlug at reset absent entries { rank handle points } } }',
          board.variables,
          errors,
        ),
      );
    }
    for (const [index, learner] of submitters.entries()) {
      subscriptions.push(
        subscribe(
          baseUrl,
          learner,
          'submissionUpdated',
          'subscription($id: ID!) { submissionUpdated(id: $id) { id status phase progress rejection { code } result { verdict points } } }',
          { id: queued[index] },
          errors,
        ),
      );
    }
    await Promise.all(subscriptions.map((s) => s.connected));
    // A submission's subscription starts with its state; a board's has no first event: give the server a moment.
    await Promise.all(subscriptions.filter((s) => s.what === 'submissionUpdated').map((s) => s.first));
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const memoryBefore = await memory(baseUrl);
    log(
      `${queryLearners.length} query clients for ${seconds(durationMs)}, ${subscribers} subscribers${submitters.length ? ', the scorer' : ''}`,
    );
    const loadStartedAt = new Date();
    if (submitters.length > 0) scorer = spawnMain('apps/scorer/src/main.js', { ...env, SCORER_CONCURRENCY: '1' }, scorerLog);
    const samples: Samples = new Map(mix.map((operation) => [operation.name, []]));
    const started = performance.now();
    const memoryDuring: { rss: number; heap: number }[] = [];
    const cpuBefore = { api: cpuMs(api.pid), bench: process.cpuUsage() };
    const sampler = setInterval(() => void memory(baseUrl).then((m) => memoryDuring.push(m)), MEMORY_EVERY_MS);
    await Promise.all(queryLearners.map((learner) => runClient(endpoint, learner, mix, started + durationMs, samples, errors)));
    clearInterval(sampler);
    const elapsedMs = performance.now() - started;
    const bench = process.cpuUsage(cpuBefore.bench);
    const cpu = { api: cpuMs(api.pid) - cpuBefore.api, bench: (bench.user + bench.system) / 1000 };
    const loadEndedAt = new Date();
    const loadAfter = loadAverage();

    // Stop the writes, let the last events arrive, then compare what each subscriber saw with the database.
    log('stopping the scorer');
    const scorerExit = (await scorer?.stop()) ?? 'not started';
    scorer = undefined;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
    const stored = await withClient(databaseUrl, async (client) => {
      const submissions = await client.query<{ id: string; status: string }>(`SELECT id, status FROM "Submission" WHERE id = ANY($1)`, [
        queued,
      ]);
      const results = await client.query<{ points: number; verdict: string }>(
        `SELECT r.points, r.verdict FROM "Result" r WHERE r."submissionId" = ANY($1)`,
        [queued],
      );
      return { status: new Map(submissions.rows.map((row) => [row.id, row.status])), results: results.rows };
    });
    for (const [index, subscription] of subscriptions.filter((s) => s.what === 'submissionUpdated').entries()) {
      const id = queued[index]!;
      const status = stored.status.get(id);
      const last = subscription.events.at(-1)?.status;
      if (last !== status)
        errors.add('submissionUpdated: missed event', `${subscription.learner.handle}: last event ${last}, stored ${status}`);
      if (TERMINAL.includes(status ?? '') !== subscription.completed)
        errors.add(
          'submissionUpdated: completion',
          `${subscription.learner.handle}: stored ${status}, completed ${subscription.completed}`,
        );
    }
    const pointsWritten = stored.results.filter((r) => r.points > 0).length;
    for (const board of boards) {
      const followers = subscriptions.filter((s) => s.what === board.what);
      const seen = followers.map((s) => s.events.map((event) => event.at).join());
      if (new Set(seen).size > 1)
        errors.add(`${board.what}: subscribers disagree`, followers.map((s) => `${s.learner.handle}: ${s.events.length}`).join(', '));
      if (pointsWritten > 0 && followers.some((s) => s.events.length === 0))
        errors.add(`${board.what}: missed event`, `${pointsWritten} results with points were written; a subscriber got no event`);
      for (const s of followers) if (s.completed) errors.add(`${board.what}: ended by the server`, s.learner.handle);
    }
    for (const subscription of subscriptions) await subscription.close();
    await new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_MS));
    const memoryIdle = await memory(baseUrl);

    const alive = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.status,
      (error: unknown) => String(error),
    );
    if (alive !== 200) errors.add('the API after the load', `GET /readyz answered ${alive}`);
    // A graceful stop: SIGTERM, then the API drains and exits 0 within SHUTDOWN_TIMEOUT_MS.
    const stopping = performance.now();
    const apiExit = await api.stop();
    const stopMs = performance.now() - stopping;
    api = undefined;
    if (apiExit !== 0) errors.add('the API on SIGTERM', `exit ${apiExit} after ${seconds(stopMs)}`);
    const apiProblems = logProblems(apiLog);
    for (const line of apiProblems.errors) errors.add('the API logged an error', line);
    const scorerProblems = logProblems(scorerLog);

    // The report.
    const all = [...samples.values()].flat();
    const allSingle = [...single.values()].flat();
    console.log(
      `load benchmark: PostgreSQL ${postgres.version} (${postgres.kind}); ${machine()}; ` +
        `load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end of the load`,
    );
    console.log(
      `    ${clients} learners registered through the API; ${count(clients * RESULTS_PER_LEARNER)} SCORED submissions seeded; ` +
        `recomputeLeaderboards ${recompute.recomputeLeaderboards && JSON.stringify(recompute.recomputeLeaderboards)}`,
    );
    console.log(
      `    ${queryLearners.length} query clients (one kept-alive connection each, no pause) for ${seconds(elapsedMs)}; ` +
        `${boardFollowers.length} leaderboardChanged and ${submitters.length} submissionUpdated subscriptions (one socket each); ` +
        `single client alone for ${seconds(baselineMs)} before`,
    );
    console.log('');
    console.log(
      '    operation               requests   req/s   p50        p99        single p50  single p99  p50 ratio  p99 ratio (load / single)',
    );
    const row = (name: string, loaded: number[], alone: number[]) =>
      `    ${name.padEnd(22)} ${count(loaded.length).padStart(9)}  ${(loaded.length / (elapsedMs / 1000)).toFixed(0).padStart(6)}  ` +
      `${ms(percentile(loaded, 50)).padStart(9)}  ${ms(percentile(loaded, 99)).padStart(9)}  ` +
      `${ms(percentile(alone, 50)).padStart(10)}  ${ms(percentile(alone, 99)).padStart(10)}  ` +
      `${(percentile(loaded, 50) / percentile(alone, 50)).toFixed(1).padStart(9)}  ${(percentile(loaded, 99) / percentile(alone, 99)).toFixed(1).padStart(9)}`;
    for (const operation of mix) console.log(row(operation.name, samples.get(operation.name)!, single.get(operation.name)!));
    console.log(row('all', all, allSingle));
    console.log(
      `    single client alone: ${count(allSingle.length)} requests, ${(allSingle.length / (baselineMs / 1000)).toFixed(0)} req/s; ` +
        `under load ${(all.length / (elapsedMs / 1000)).toFixed(0)} req/s in all (${(((all.length / elapsedMs) * baselineMs) / allSingle.length).toFixed(2)} × one client's)`,
    );
    console.log('');
    console.log('subscriptions (events received)');
    for (const board of boards) {
      const followers = subscriptions.filter((s) => s.what === board.what);
      const counts = followers.map((s) => s.events.length);
      if (followers.length)
        console.log(`    ${board.what}: ${followers.length} subscribers, ${Math.min(...counts)}–${Math.max(...counts)} events each`);
    }
    const updates = subscriptions.filter((s) => s.what === 'submissionUpdated');
    const byStatus = new Map<string, number>();
    for (const status of stored.status.values()) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    console.log(
      `    submissionUpdated: ${updates.length} subscribers, ${updates.reduce((sum, s) => sum + s.events.length, 0)} events; ` +
        `submissions at the end: ${[...byStatus.entries()].map(([status, n]) => `${n} ${status}`).join(', ')}; ` +
        `${pointsWritten} results with points (scorer exit ${scorerExit})`,
    );
    console.log('');
    console.log(
      `API process, RSS / V8 heap used (MiB): before the load ${mib(memoryBefore)}; every ${seconds(MEMORY_EVERY_MS)} of the load ` +
        `${memoryDuring.map(mib).join(', ')}; ${seconds(IDLE_AFTER_MS)} after it (subscriptions closed) ${mib(memoryIdle)}`,
    );
    console.log(
      `CPU during the load: the API ${seconds(cpu.api)} (${((cpu.api / elapsedMs) * 100).toFixed(0)}% of one core, ` +
        `${(cpu.api / all.length).toFixed(1)} ms a request), the bench's clients ${seconds(cpu.bench)} ` +
        `(${((cpu.bench / elapsedMs) * 100).toFixed(0)}%), of ${availableParallelism()} cores shared with the rest of the machine`,
    );
    console.log(`API stopped by SIGTERM: exit ${apiExit} in ${seconds(stopMs)}`);
    console.log(
      `API log: ${apiProblems.errors.length} error and ${apiProblems.warnings.length} warning lines (scorer: ${scorerProblems.errors.length} and ${scorerProblems.warnings.length})`,
    );
    for (const line of apiProblems.warnings.slice(0, 5)) console.log(`    API warning: ${line.slice(0, 300)}`);
    for (const line of scorerProblems.errors.slice(0, 5)) console.log(`    scorer error: ${line.slice(0, 300)}`);
    console.log('');
    console.log(`errors: ${errors.total}${errors.total ? '' : ' (goal: 0)'}`);
    for (const line of errors.lines()) console.log(line);
    console.log(
      `run ${loadStartedAt.toISOString()} – ${loadEndedAt.toISOString()}; total run time ${seconds(performance.now() - runStarted)}`,
    );
    failed = errors.total > 0;
    if (failed) process.exitCode = 1;
  } finally {
    for (const subscription of subscriptions) await subscription.close().catch(() => undefined);
    await scorer?.stop();
    await api?.stop();
    await postgres.stop();
    // The processes' logs outlive a failed run, for its errors.
    for (const file of failed ? [apiLog, scorerLog].filter((f) => existsSync(f)) : []) {
      const kept = `${scratch}-${file.endsWith('api.log') ? 'api' : 'scorer'}.log`;
      copyFileSync(file, kept);
      console.error(`kept ${kept}`);
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
