import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { attr, buildModelBytes, GraphBuilder } from '@app/catalog';
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
export const hostileModels = {
  /** A Loop whose trip count is 9·10^15: it never ends in practice. */
  loopsForever: () => loopModel(9e15, false),
  /** A Loop that doubles a tensor 48 times: it asks for far more memory than any sandbox has. */
  allocatesWithoutBound: () => loopModel(48, true),
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

function loopModel(tripCount: number, doubling: boolean): Uint8Array {
  const body = new GraphBuilder('body');
  body.input('iteration', 'int64', []);
  const conditionIn = body.input('condition_in', 'bool', []);
  const carriedIn = body.input('carried_in', 'float32', doubling ? ['rows', 256] : [64, 256]);
  body.op('Identity', [conditionIn], {}, { output: 'condition_out' });
  if (doubling) body.op('Concat', [carriedIn, carriedIn], { axis: attr.int(0) }, { output: 'carried_out' });
  else body.op('Identity', [carriedIn], {}, { output: 'carried_out' });
  body.output('condition_out', 'bool', []);
  body.output('carried_out', 'float32', doubling ? ['rows', 256] : [64, 256]);

  const graph = new GraphBuilder(doubling ? 'allocates-without-bound' : 'loops-forever');
  const features = graph.input('features', 'float32', [64, 256]);
  const trips = graph.initializer('trips', 'int64', [], [tripCount]);
  const keepGoing = graph.initializer('keep_going', 'bool', [], [1]);
  const looped = graph.op('Loop', [trips, keepGoing, features], { body: attr.graph(body.build()) });
  const starts = graph.int64s('starts', [0]);
  const ends = graph.int64s('ends', [64]);
  const axes = graph.int64s('axes', [0]);
  const firstRows = graph.op('Slice', [looped, starts, ends, axes]);
  const weights = graph.initializer('w', 'float32', [256, 128], new Float32Array(256 * 128).fill(0.01));
  graph.op('MatMul', [firstRows, weights], {}, { output: 'scores' });
  graph.output('scores', 'float32', [64, 128]);
  return buildModelBytes(graph);
}

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
