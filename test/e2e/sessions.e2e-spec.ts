import { MAX_SESSION_LOG_BYTES } from '@app/domain';
import { withClient } from '@app/testing';
import { EditLogFactory } from '../../libs/domain/src/sessions/edit-log.factory';
import { errorCode, errorReason, makeRole, register, type Account } from '../support/accounts';
import type { GraphqlResponse } from '../support/test-app';
import { startTestApp, type TestApp } from '../support/test-app';

const START = `mutation($slug: String!) {
  startSession(challengeSlug: $slug) {
    id startedAt deadline timeLeftMs entryPoint signature examples
    challenge { slug kind brief sessionSpec { timeLimitMinutes } }
    attempt { id challengeVersion }
  }
}`;
const RECORD = 'mutation($input: EditBatchInput!) { recordEdits(input: $input) { sessionId seq missing duplicate } }';
const PLAYBACK = 'query($id: ID!, $at: [Float!]!) { sessionPlayback(id: $id, atMs: $at) }';

interface StartedSession {
  id: string;
  startedAt: string;
  deadline: string;
  timeLeftMs: number;
  entryPoint: string;
  signature: string;
  examples: string[];
  challenge: { slug: string; kind: string; brief: string; sessionSpec: { timeLimitMinutes: number } };
  attempt: { id: string; challengeVersion: number };
}

type Event = { kind: string; at: number; position?: number; text?: string; length?: number };

describe('AI-free coding sessions over HTTP', () => {
  let app: TestApp;
  let learner: Account;
  let other: Account;
  let admin: Account;

  beforeAll(async () => {
    app = await startTestApp();
    [learner, other, admin] = await Promise.all(['session-learner', 'session-other', 'session-admin'].map((h) => register(app, h)));
    await makeRole(app, admin, 'ADMIN');
  });

  afterAll(async () => {
    await app.stop();
  });

  async function start(account: Account, slug = 'stable-softmax'): Promise<StartedSession> {
    const response = await app.graphql(START, { slug }, account.auth);
    if (!response.body.data) throw new Error(`startSession failed: ${JSON.stringify(response.body.errors)}`);
    return response.body.data.startSession as StartedSession;
  }

  function record(account: Account | null, sessionId: string, seq: number, events: readonly Event[]): Promise<GraphqlResponse> {
    return app.graphql(RECORD, { input: { sessionId, seq, events } }, account?.auth ?? {});
  }

  /** The ack of an accepted batch, without its sessionId (checked to be the session's). */
  function ack(response: GraphqlResponse): { seq: number; missing: number[]; duplicate: boolean } {
    if (!response.body.data) throw new Error(`recordEdits failed: ${JSON.stringify(response.body.errors)}`);
    const { sessionId, ...rest } = response.body.data.recordEdits as {
      sessionId: string;
      seq: number;
      missing: number[];
      duplicate: boolean;
    };
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    return rest;
  }

  function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
    return withClient(app.database.url, async (client) => (await client.query(text, values)).rows as T[]);
  }

  async function storedBatches(sessionId: string): Promise<Array<{ seq: number; eventCount: number }>> {
    return sql(`SELECT seq, "eventCount" FROM "EditBatch" WHERE "sessionId" = $1 ORDER BY seq`, [sessionId]);
  }

  /** A fresh session for `account` (the previous one of the attempt is ended in the database first). */
  async function freshSession(account: Account): Promise<StartedSession> {
    await sql(`UPDATE "CodingSession" SET deadline = now() - interval '1 hour' WHERE "userId" = $1`, [account.id]);
    return start(account);
  }

  it('starts the clock on an AI-free challenge with the function to write, and answers the open session again', async () => {
    const before = Date.now();
    const session = await start(learner);
    expect(session).toMatchObject({
      entryPoint: 'softmax',
      signature: 'function softmax(logits: number[], temperature: number): number[]',
      challenge: { slug: 'stable-softmax', kind: 'AI_FREE_SESSION', sessionSpec: { timeLimitMinutes: 45 } },
    });
    expect(session.examples[0]).toBe('softmax([1, 1], 1) → [0.5, 0.5]');
    expect(session.challenge.brief.length).toBeGreaterThan(100);
    const limitMs = 45 * 60_000;
    expect(new Date(session.deadline).getTime() - new Date(session.startedAt).getTime()).toBe(limitMs);
    expect(session.timeLeftMs).toBeLessThanOrEqual(limitMs);
    expect(session.timeLeftMs).toBeGreaterThan(limitMs - (Date.now() - before) - 1_000);

    const again = await start(learner);
    expect(again.id).toBe(session.id);
    expect(again.deadline).toBe(session.deadline);
    expect(again.attempt.id).toBe(session.attempt.id);

    const read = await app.graphql('query($id: ID!) { session(id: $id) { id deadline entryPoint } }', { id: session.id }, learner.auth);
    expect(read.body.data!.session).toEqual({ id: session.id, deadline: session.deadline, entryPoint: 'softmax' });
    const byAdmin = await app.graphql('query($id: ID!) { session(id: $id) { id } }', { id: session.id }, admin.auth);
    expect(byAdmin.body.data!.session).toEqual({ id: session.id });
  });

  it('stores a scripted edit log out of order, reports the gaps, and plays the code back at chosen times', async () => {
    const session = await freshSession(learner);
    const script = new EditLogFactory(7).type('function softmax(l, t) {}');
    const [first, second, third] = script.batches(10);
    expect(third!.events).toHaveLength(5);

    expect(ack(await record(learner, session.id, 0, first!.events))).toEqual({ seq: 0, missing: [], duplicate: false });
    expect(ack(await record(learner, session.id, 2, third!.events))).toEqual({ seq: 2, missing: [1], duplicate: false });
    expect(ack(await record(learner, session.id, 1, second!.events))).toEqual({ seq: 1, missing: [], duplicate: false });
    const rows = await sql<{ receivedAt: number }>(`SELECT "receivedAt" FROM "EditBatch" WHERE "sessionId" = $1`, [session.id]);
    expect(rows.every((row) => row.receivedAt >= 0 && row.receivedAt < 60_000)).toBe(true);

    const afterFirst = first!.events[9]!.at;
    const playback = await app.graphql(PLAYBACK, { id: session.id, at: [script.now, 0, afterFirst] }, learner.auth);
    expect(playback.body.data!.sessionPlayback).toEqual(['function softmax(l, t) {}', '', 'function s']);
    const byAdmin = await app.graphql(PLAYBACK, { id: session.id, at: [script.now] }, admin.auth);
    expect(byAdmin.body.data!.sessionPlayback).toEqual(['function softmax(l, t) {}']);
    const tooMany = await app.graphql(PLAYBACK, { id: session.id, at: Array.from({ length: 101 }, (_, i) => i) }, learner.auth);
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    expect(errorReason(tooMany)).toBe('TOO_MANY_PLAYBACK_TIMES');
  });

  it('stores a resent batch once (duplicate) and refuses other events under a stored seq', async () => {
    const session = await freshSession(learner);
    const events = new EditLogFactory(3).type('return 1;').events;
    expect(ack(await record(learner, session.id, 0, events)).duplicate).toBe(false);
    expect(ack(await record(learner, session.id, 0, events))).toEqual({ seq: 0, missing: [], duplicate: true });
    expect(await storedBatches(session.id)).toEqual([{ seq: 0, eventCount: events.length }]);

    const changed = [...events.slice(0, -1), { ...events[events.length - 1]!, text: 'X' }];
    const conflict = await record(learner, session.id, 0, changed);
    expect(errorCode(conflict)).toBe('CONFLICT');
    expect(errorReason(conflict)).toBe('EDIT_BATCH_CONFLICT');
    expect(await storedBatches(session.id)).toEqual([{ seq: 0, eventCount: events.length }]);
    const playback = await app.graphql(PLAYBACK, { id: session.id, at: [1e9] }, learner.auth);
    expect(playback.body.data!.sessionPlayback).toEqual(['return 1;']);
  });

  it("refuses an invalid batch with the validator's reason and stores nothing", async () => {
    const session = await freshSession(learner);
    const cases: Array<{ events: Event[]; problem: string }> = [
      { events: [{ kind: 'INSERT', at: 1, position: -1, text: 'a' }], problem: 'EDIT_INVALID_POSITION' },
      {
        events: Array.from({ length: 501 }, (_, i) => ({ kind: 'INSERT', at: i, position: i, text: 'a' })),
        problem: 'EDIT_TOO_MANY_EVENTS',
      },
      { events: [{ kind: 'PASTE', at: 1, position: 0, text: 'x'.repeat(70 * 1024) }], problem: 'EDIT_EVENT_TEXT_TOO_LARGE' },
      { events: [{ kind: 'FOCUS_LOST', at: 1, text: 'a' }], problem: 'EDIT_UNEXPECTED_FIELD' },
    ];
    for (const { events, problem } of cases) {
      const response = await record(learner, session.id, 0, events);
      expect([errorCode(response), errorReason(response), response.body.errors?.[0]?.extensions?.problem]).toEqual([
        'BAD_USER_INPUT',
        'EDIT_BATCH_INVALID',
        problem,
      ]);
    }
    expect(await storedBatches(session.id)).toEqual([]);
  });

  it('keeps the edit log to its learner: another learner is FORBIDDEN, an admin cannot type into it, anonymous is UNAUTHENTICATED', async () => {
    const session = await start(learner);
    const events = [{ kind: 'INSERT', at: 1, position: 0, text: 'a' }];
    expect(errorCode(await record(other, session.id, 50, events))).toBe('FORBIDDEN');
    expect(errorCode(await record(admin, session.id, 50, events))).toBe('FORBIDDEN');
    expect(errorCode(await record(null, session.id, 50, events))).toBe('UNAUTHENTICATED');
    expect(errorCode(await app.graphql(PLAYBACK, { id: session.id, at: [0] }, other.auth))).toBe('FORBIDDEN');
    expect(errorCode(await app.graphql('query($id: ID!) { session(id: $id) { id } }', { id: session.id }, other.auth))).toBe('FORBIDDEN');
    expect(errorCode(await app.graphql('mutation { startSession(challengeSlug: "stable-softmax") { id } }'))).toBe('UNAUTHENTICATED');
    expect(await storedBatches(session.id)).not.toContainEqual(expect.objectContaining({ seq: 50 }));

    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect(errorCode(await app.graphql('query($id: ID!) { session(id: $id) { id } }', { id }, learner.auth))).toBe('NOT_FOUND');
      expect(errorCode(await record(learner, id, 0, events))).toBe('NOT_FOUND');
    }
  });

  it('takes edits until 5 s after the deadline, then refuses them as SESSION_EXPIRED; a new start opens a new session', async () => {
    const session = await freshSession(learner);
    const events = [{ kind: 'INSERT', at: 1, position: 0, text: 'a' }];
    await sql(`UPDATE "CodingSession" SET deadline = now() - interval '3 seconds' WHERE id = $1`, [session.id]);
    expect(ack(await record(learner, session.id, 0, events))).toEqual({ seq: 0, missing: [], duplicate: false });

    await sql(`UPDATE "CodingSession" SET deadline = now() - interval '6 seconds' WHERE id = $1`, [session.id]);
    const late = await record(learner, session.id, 1, [{ kind: 'INSERT', at: 2, position: 1, text: 'b' }]);
    expect(errorCode(late)).toBe('CONFLICT');
    expect(errorReason(late)).toBe('SESSION_EXPIRED');
    // A resend of a batch stored in time is still acknowledged (its ack may have been lost).
    expect(ack(await record(learner, session.id, 0, events)).duplicate).toBe(true);
    expect(await storedBatches(session.id)).toEqual([{ seq: 0, eventCount: 1 }]);

    const read = await app.graphql('query($id: ID!) { session(id: $id) { timeLeftMs } }', { id: session.id }, learner.auth);
    expect(read.body.data!.session).toEqual({ timeLeftMs: 0 });
    const next = await start(learner);
    expect(next.id).not.toBe(session.id);
    expect(next.attempt.id).toBe(session.attempt.id);
  });

  it("counts the stored log against the session's budget; a batch that would overflow it is EDIT_LOG_FULL and stores nothing", async () => {
    const session = await freshSession(learner);
    const logBytes = async () =>
      Number((await sql<{ logBytes: number }>(`SELECT "logBytes" FROM "CodingSession" WHERE id = $1`, [session.id]))[0]!.logBytes);
    const first = [{ kind: 'INSERT', at: 1, position: 0, text: 'abc' }];
    ack(await record(learner, session.id, 0, first));
    const firstBytes = Buffer.byteLength(JSON.stringify(first));
    expect(await logBytes()).toBe(firstBytes);
    // An identical resend is acknowledged and not counted again.
    expect(ack(await record(learner, session.id, 0, first)).duplicate).toBe(true);
    expect(await logBytes()).toBe(firstBytes);

    // Leave exactly room for the next batch, then one byte less for the one after it.
    const second = [{ kind: 'INSERT', at: 2, position: 3, text: 'd' }];
    const secondBytes = Buffer.byteLength(JSON.stringify(second));
    await sql(`UPDATE "CodingSession" SET "logBytes" = $2 WHERE id = $1`, [session.id, MAX_SESSION_LOG_BYTES - secondBytes]);
    expect(ack(await record(learner, session.id, 1, second)).duplicate).toBe(false);
    expect(await logBytes()).toBe(MAX_SESSION_LOG_BYTES);
    const full = await record(learner, session.id, 2, [{ kind: 'INSERT', at: 3, position: 4, text: 'e' }]);
    expect(errorCode(full)).toBe('BAD_USER_INPUT');
    expect(errorReason(full)).toBe('EDIT_LOG_FULL');
    expect(full.body.errors![0]!.extensions).toMatchObject({ limit: MAX_SESSION_LOG_BYTES });
    expect(await storedBatches(session.id)).toEqual([
      { seq: 0, eventCount: 1 },
      { seq: 1, eventCount: 1 },
    ]);
    expect(await logBytes()).toBe(MAX_SESSION_LOG_BYTES);
  });

  it('refuses to start a session on a model challenge, and on an unknown one', async () => {
    const model = await app.graphql(START, { slug: 'pruned-mlp-speedup' }, learner.auth);
    expect(errorCode(model)).toBe('BAD_USER_INPUT');
    expect(errorReason(model)).toBe('WRONG_CHALLENGE_KIND');
    expect(errorCode(await app.graphql(START, { slug: 'no-such-challenge' }, learner.auth))).toBe('NOT_FOUND');
    const [{ count }] = await sql<{ count: string }>(
      `SELECT count(*) FROM "CodingSession" s JOIN "Challenge" c ON c.id = s."challengeId" WHERE c.slug = 'pruned-mlp-speedup'`,
    );
    expect(count).toBe('0');
  });
});
