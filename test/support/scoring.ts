import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { buildModelBytes, GraphBuilder } from '@app/catalog';
import { CODE_CORPUS_DIR } from '@app/testing';
import type { Account } from './accounts';
import type { GraphqlResponse, TestApp } from './test-app';

/**
 * Submitting models and following their scoring, the way a client does: PUT /artifacts,
 * startAttempt, submitModel, and `submissionUpdated` over graphql-ws.
 */

const BUILD = join(__dirname, '..', '..', 'libs', 'catalog', 'build');

/** The catalog's reference model of a challenge, and (tests only) its known solution. */
export const catalogModel = (slug: string, which: 'reference' | 'known-solution'): Buffer =>
  readFileSync(which === 'reference' ? join(BUILD, slug, 'reference.onnx') : join(BUILD, '_known-solutions', slug, 'known-solution.onnx'));

/** What these helpers need of an API: its base URL and GraphQL over HTTP (a TestApp, or clientFor(url)). */
export type Client = Pick<TestApp, 'url' | 'graphql'>;

export async function uploadBytes(client: Client, account: Account, bytes: Uint8Array): Promise<string> {
  const response = await fetch(`${client.url}/artifacts`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', ...account.auth },
    body: bytes,
  });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { sha256: string }).sha256;
}

export async function startAttempt(client: Client, account: Account, slug: string): Promise<string> {
  const { body } = await client.graphql(`mutation { startAttempt(challengeSlug: "${slug}") { id } }`, {}, account.auth);
  if (!body.data) throw new Error(`startAttempt failed: ${JSON.stringify(body.errors)}`);
  return (body.data.startAttempt as { id: string }).id;
}

export async function submitModel(client: Client, account: Account, attemptId: string, modelSha256: string): Promise<string> {
  const { body } = await client.graphql(
    'mutation($i: SubmitModelInput!) { submitModel(input: $i) { id status } }',
    { i: { attemptId, modelSha256 } },
    account.auth,
  );
  if (!body.data) throw new Error(`submitModel failed: ${JSON.stringify(body.errors)}`);
  return (body.data.submitModel as { id: string }).id;
}

export const SUBMISSION_FIELDS =
  'id status phase progress rejection { code message } result { verdict points flags parity { passed batches outputs { name passed relativeL2 worstAbsError worstIndex worstBatch withinTolerance nonFinite reason } } environment { deviceClass executionProvider ortVersion cpuModel scorerVersion host } }';

export interface SubmissionView {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'SCORED' | 'REJECTED' | 'FAILED';
  phase: string | null;
  progress: number | null;
  rejection: { code: string; message: string } | null;
  result: {
    verdict: string;
    points: number;
    flags: string[];
    parity: { passed: boolean; batches: number; outputs: Array<Record<string, unknown>> } | null;
    environment: Record<string, unknown>;
  } | null;
}

export interface Watch {
  /** Every update received, in order (the first is the state at subscription time). */
  updates: SubmissionView[];
  /** Resolves when the server completes the subscription (a terminal status), rejects on an error. */
  done: Promise<SubmissionView[]>;
  /** Resolves once the socket is acknowledged and the first update arrived. */
  started: Promise<void>;
  /** Arrival time (performance.now()) of each update. */
  times: number[];
  close(): Promise<void>;
}

/** Subscribes to `submissionUpdated(id)` over a real WebSocket, authenticated in connection_init. */
export function watchSubmission(baseUrl: string, authorization: string | undefined, id: string): Watch {
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: authorization ? { authorization } : {},
  });
  const updates: SubmissionView[] = [];
  const times: number[] = [];
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<SubmissionView[]>((resolve, reject) => {
    client.subscribe<{ submissionUpdated: SubmissionView }>(
      { query: `subscription($id: ID!) { submissionUpdated(id: $id) { ${SUBMISSION_FIELDS} } }`, variables: { id } },
      {
        next: (value) => {
          if (value.errors) {
            reject(Object.assign(new Error(value.errors[0]!.message), { errors: value.errors }));
            return;
          }
          updates.push(value.data!.submissionUpdated);
          times.push(performance.now());
          markStarted();
        },
        error: (error) => reject(Object.assign(new Error('subscription error'), { errors: error })),
        complete: () => resolve(updates),
      },
    );
  });
  done.catch(() => markStarted());
  return { updates, done, started, times, close: () => client.dispose() as Promise<void> };
}

/** Polls `submission(id)` until it reaches a terminal status. */
export async function waitForEnd(client: Client, account: Account, id: string, timeoutMs: number): Promise<SubmissionView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await client.graphql(`{ submission(id: "${id}") { ${SUBMISSION_FIELDS} } }`, {}, account.auth);
    const submission = body.data?.submission as SubmissionView | undefined;
    if (submission && ['SCORED', 'REJECTED', 'FAILED'].includes(submission.status)) return submission;
    if (Date.now() > deadline) throw new Error(`submission ${id} still ${submission?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Hostile models with the pruned-mlp-speedup signature (features float32 [64, 256] → scores
 * float32 [64, 128]), for the sandbox's defined outcomes. They pass every static check a model
 * can be given before it runs; only running them shows what they do.
 */
const NOT_OK = join(__dirname, '..', 'fixtures', 'not-ok');

/** A hostile model of test/fixtures/not-ok (written by scripts/build-hostile-models.ts; see its manifest.json). */
export const notOkFixture = (name: string): Buffer => readFileSync(join(NOT_OK, `${name}.onnx`));

export interface NotOkFixture {
  file: string;
  challenge: string;
  description: string;
  /** Exactly one of: a static check's code, a sandbox outcome, a parity failure code. */
  check?: string;
  sandbox?: string;
  parity?: string;
}

/** What each not-ok fixture must end as, by name. */
export const notOkManifest = (): Record<string, NotOkFixture> =>
  (JSON.parse(readFileSync(join(NOT_OK, 'manifest.json'), 'utf8')) as { fixtures: Record<string, NotOkFixture> }).fixtures;

export const hostileModels = {
  /** The right signature and plausible numbers, but not the reference's function: parity fails. */
  wrongFunction: (): Uint8Array => {
    const graph = new GraphBuilder('wrong-function');
    const features = graph.input('features', 'float32', [64, 256]);
    const weights = graph.initializer(
      'w',
      'float32',
      [256, 128],
      Float32Array.from({ length: 256 * 128 }, (_, i) => Math.sin(i) / 16),
    );
    graph.op('MatMul', [features, weights], {}, { output: 'scores' });
    graph.output('scores', 'float32', [64, 128]);
    return buildModelBytes(graph);
  },
};

/** A GraphQL-over-HTTP client for one API process. */
export function clientFor(url: string): Client {
  return {
    url,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlResponse['body'] };
    },
  };
}

const CHALLENGES = join(__dirname, '..', '..', 'libs', 'catalog', 'challenges');

/** A session challenge's catalog solutions: the AI-written one (passes) or the wrong one (fails some tests). */
export const sessionSolution = (slug: string, which: 'ai' | 'wrong'): string =>
  readFileSync(join(CHALLENGES, slug, `solution.${which}.js`), 'utf8');

/** The entry point and limits of a session challenge (what its hidden tests call, and how long each may run). */
export const sessionSpec = (slug: string): { entryPoint: string; limits: { timeMsPerTest: number } } =>
  (
    JSON.parse(readFileSync(join(CHALLENGES, slug, 'challenge.json'), 'utf8')) as {
      spec: { entryPoint: string; limits: { timeMsPerTest: number } };
    }
  ).spec;

export async function startSession(client: Client, account: Account, slug: string): Promise<{ id: string; startedAt: string }> {
  const { body } = await client.graphql(
    'mutation($s: String!) { startSession(challengeSlug: $s) { id startedAt } }',
    { s: slug },
    account.auth,
  );
  if (!body.data) throw new Error(`startSession failed: ${JSON.stringify(body.errors)}`);
  return body.data.startSession as { id: string; startedAt: string };
}

export async function submitCode(
  client: Client,
  account: Account,
  sessionId: string,
  code: string,
  language: 'javascript' | 'typescript' = 'javascript',
): Promise<string> {
  const { body } = await client.graphql(
    'mutation($input: SubmitCodeInput!) { submitCode(input: $input) { id status } }',
    { input: { sessionId, code, language } },
    account.auth,
  );
  if (!body.data) throw new Error(`submitCode failed: ${JSON.stringify(body.errors)}`);
  return (body.data.submitCode as { id: string }).id;
}

/**
 * An entry of the code escape corpus (test/fixtures/not-ok/code) as a learner would submit it to a
 * session challenge: the corpus's modules define `solve`; the challenge calls its own entry point.
 */
export function corpusSubmission(file: string, entryPoint: string): { code: string; language: 'javascript' | 'typescript' } {
  const typescript = file.endsWith('.ts');
  const adapter = typescript
    ? `\nfunction ${entryPoint}(...args: any[]) { return (solve as any)(...args); }\n`
    : `\nfunction ${entryPoint}(...args) { return solve(...args); }\n`;
  return { code: readFileSync(join(CODE_CORPUS_DIR, file), 'utf8') + adapter, language: typescript ? 'typescript' : 'javascript' };
}
