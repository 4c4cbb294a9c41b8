import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort, withClient } from '@app/testing';
import { errorCode, errorReason, makeRole, register, type Account } from '../support/accounts';
import { catalogModel, clientFor, startAttempt, submitModel, uploadBytes, waitForEnd, type Client } from '../support/scoring';
import { spawnServer, waitUntilReady, type ServerProcess } from '../support/server-process';
import { startTestApp, type TestApp } from '../support/test-app';

const SLUG = 'pruned-mlp-speedup';

interface Change {
  scope: string;
  challengeSlug: string | null;
  period: string;
  entries: { rank: number; handle: string; points: number; speedup: number | null; achievedAt: string }[];
  absent: string[];
  reset: boolean;
}

/** A public subscriber to one board: the changes it received, with when. */
function follow(baseUrl: string, args: string): { changes: Change[]; times: number[]; ready: Promise<void>; close(): Promise<void> } {
  const client: WsClient = createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const changes: Change[] = [];
  const times: number[] = [];
  let acknowledged!: () => void;
  const ready = new Promise<void>((resolve) => (acknowledged = resolve));
  client.on('connected', () => setTimeout(acknowledged, 300)); // the subscription is set up right after the ack
  client.subscribe<{ leaderboardChanged: Change }>(
    {
      query: `subscription { leaderboardChanged(${args}) { scope challengeSlug period absent reset entries { rank handle points speedup achievedAt } } }`,
    },
    {
      next: (value) => {
        if (value.data) {
          changes.push(value.data.leaderboardChanged);
          times.push(Date.now());
        }
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { changes, times, ready, close: () => client.dispose() as Promise<void> };
}

async function until<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Live leaderboards across processes: the API process that scores (SCORER=embedded) writes the
 * result; a subscriber connected to a second API process (a separate OS process, SCORER=none) is
 * told through PostgreSQL NOTIFY. Then moderation: hide, show, recompute, their errors and audit.
 */
describe('live leaderboards across two API processes', () => {
  let scoringApi: TestApp;
  let otherApi: ServerProcess;
  let other: Client;
  let workDir: string;
  let ada: Account;
  let admin: Account;
  let adaSubmission: string;

  beforeAll(async () => {
    scoringApi = await startTestApp({ SCORER: 'embedded' });
    workDir = mkdtempSync(join(tmpdir(), 'proving-live-'));
    const port = await freePort();
    otherApi = spawnServer(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: scoringApi.database.url,
        ARTIFACT_STORE: join(workDir, 'artifacts'),
        DATA_DIR: join(workDir, 'data'),
        SCORER: 'none',
      },
      workDir,
    );
    other = clientFor(`http://127.0.0.1:${port}`);
    await waitUntilReady(other.url, otherApi, 60_000);
    [ada, admin] = (await Promise.all(['live-ada', 'live-admin'].map((handle) => register(scoringApi, handle)))) as [Account, Account];
    await makeRole(scoringApi, admin, 'ADMIN');
  }, 180_000);

  afterAll(async () => {
    if (otherApi) {
      otherApi.child.kill('SIGTERM');
      await otherApi.exited;
    }
    await scoringApi?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('shows a subscriber on the other API process the new row within 2 s of the result being written', async () => {
    const board = follow(other.url, `scope: CHALLENGE, challengeSlug: "${SLUG}"`);
    const global = follow(other.url, 'scope: GLOBAL');
    try {
      await Promise.all([board.ready, global.ready]);
      const attemptId = await startAttempt(scoringApi, ada, SLUG);
      adaSubmission = await submitModel(
        scoringApi,
        ada,
        attemptId,
        await uploadBytes(scoringApi, ada, catalogModel(SLUG, 'known-solution')),
      );
      const scored = await waitForEnd(scoringApi, ada, adaSubmission, 180_000);
      expect(scored.result?.verdict).toBe('PASSED');
      const index = await until(() => {
        const found = board.changes.findIndex((change) => change.entries.some((entry) => entry.handle === 'live-ada'));
        return found >= 0 ? found : undefined;
      }, 10_000);
      const written = await withClient(scoringApi.database.url, async (c) => {
        const { rows } = await c.query<{ at: Date }>(`SELECT "createdAt" AS at FROM "Result" WHERE "submissionId" = $1`, [adaSubmission]);
        return rows[0]!.at.getTime();
      });
      const latencyMs = board.times[index]! - written;
      // The result's createdAt is its transaction's start, so this is an upper bound of the delay.
      expect(latencyMs).toBeLessThan(2_000);
      const change = board.changes[index]!;
      expect(change).toMatchObject({ scope: 'CHALLENGE', challengeSlug: SLUG, period: 'ALL_TIME', reset: false, absent: [] });
      expect(change.entries).toEqual([
        expect.objectContaining({ rank: 1, handle: 'live-ada', points: scored.result!.points, speedup: expect.any(Number) }),
      ]);
      await until(() => global.changes.find((c) => c.entries.some((entry) => entry.handle === 'live-ada')), 5_000);
      // The board the other process serves agrees.
      const { body } = await other.graphql(
        `{ leaderboard(scope: CHALLENGE, challengeSlug: "${SLUG}", first: 5) { edges { node { rank handle points isBaseline } } } }`,
      );
      expect((body.data!.leaderboard as { edges: { node: unknown }[] }).edges.map((edge) => edge.node)).toEqual([
        { rank: 1, handle: 'live-ada', points: scored.result!.points, isBaseline: false },
        { rank: 2, handle: 'reference', points: 0, isBaseline: true },
      ]);
    } finally {
      await Promise.all([board.close(), global.close()]);
    }
  }, 240_000);

  const hide = (account: Account, submissionId: string, reason: string, show = false) =>
    scoringApi.graphql(
      `mutation($i: ResultVisibilityInput!) { ${show ? 'showResult' : 'hideResult'}(input: $i) { submissionId onLeaderboards reason } }`,
      { i: { submissionId, reason } },
      account.auth,
    );

  it('sends at most one event per board per second, the last one with the final state', async () => {
    const board = follow(other.url, `scope: CHALLENGE, challengeSlug: "${SLUG}"`);
    try {
      await board.ready;
      const started = Date.now();
      // 20 changes over about 3 s (hidden, shown, hidden, … ending shown): each one changes the board.
      for (let i = 0; i < 20; i++) {
        expect(errorCode(await hide(admin, adaSubmission, `toggle ${i}`, i % 2 === 1))).toBeUndefined();
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      const burstMs = Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const gaps = board.times.slice(1).map((time, i) => time - board.times[i]!);
      expect(board.changes.length).toBeGreaterThanOrEqual(2); // merged, not dropped: changes keep coming
      expect(board.changes.length).toBeLessThanOrEqual(Math.ceil(burstMs / 1_000) + 2);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900); // the throttle's window, less timer jitter
      expect(board.changes.at(-1)!.entries.map((entry) => entry.handle)).toEqual(['live-ada']);
    } finally {
      await board.close();
    }
  }, 60_000);

  it('hides a result from every board with a reason (audited) and shows it again; refuses bad requests with specific codes', async () => {
    const board = async () =>
      (
        (await other.graphql(`{ leaderboard(scope: GLOBAL, first: 5) { edges { node { handle points } } } }`)).body.data!.leaderboard as {
          edges: { node: { handle: string } }[];
        }
      ).edges.map((edge) => edge.node.handle);
    expect(await board()).toEqual(['live-ada']);

    const hidden = await hide(admin, adaSubmission, '  Copied from a public repository.  ');
    expect(hidden.body.data!.hideResult).toEqual({
      submissionId: adaSubmission,
      onLeaderboards: false,
      reason: 'Copied from a public repository.',
    });
    expect(await board()).toEqual([]);
    const again = await hide(admin, adaSubmission, 'twice');
    expect([errorCode(again), errorReason(again)]).toEqual(['CONFLICT', 'RESULT_ALREADY_HIDDEN']);
    const blank = await hide(admin, adaSubmission, '   ', true);
    expect([errorCode(blank), errorReason(blank)]).toEqual(['BAD_USER_INPUT', 'REASON_INVALID']);
    const long = await hide(admin, adaSubmission, 'x'.repeat(501), true);
    expect([errorCode(long), errorReason(long)]).toEqual(['BAD_USER_INPUT', 'REASON_INVALID']);
    expect(errorCode(await hide(admin, '00000000-0000-4000-8000-000000000000', 'no such'))).toBe('NOT_FOUND');
    expect(errorCode(await hide(admin, 'not-an-id', 'no such'))).toBe('NOT_FOUND');
    expect(errorCode(await hide(ada, adaSubmission, 'my own', true))).toBe('FORBIDDEN');
    expect(await board()).toEqual([]); // nothing the refusals touched changed

    const shown = await hide(admin, adaSubmission, 'Cleared after review.', true);
    expect(shown.body.data!.showResult).toMatchObject({ onLeaderboards: true });
    expect(await board()).toEqual(['live-ada']);
    const notHidden = await hide(admin, adaSubmission, 'again', true);
    expect([errorCode(notHidden), errorReason(notHidden)]).toEqual(['CONFLICT', 'RESULT_NOT_HIDDEN']);

    const audit = await withClient(scoringApi.database.url, async (c) => {
      const { rows } = await c.query<{ action: string; reason: string }>(
        `SELECT action, details->>'reason' AS reason FROM "AuditEvent" WHERE "actorId" = $1 AND action LIKE 'result.%' ORDER BY "createdAt", id`,
        [admin.id],
      );
      return rows.slice(-2);
    });
    expect(audit).toEqual([
      { action: 'result.hidden', reason: 'Copied from a public repository.' },
      { action: 'result.shown', reason: 'Cleared after review.' },
    ]);
  });

  it('recomputes every board from the results: nothing to correct after incremental upkeep; a row written behind its back is corrected', async () => {
    const recompute = () =>
      scoringApi.graphql('mutation { recomputeLeaderboards { corrected bests totals teams tookMs } }', {}, admin.auth);
    expect((await recompute()).body.data!.recomputeLeaderboards).toMatchObject({ corrected: 0, bests: 0, totals: 0, teams: 0 });
    expect(errorCode(await scoringApi.graphql('mutation { recomputeLeaderboards { corrected } }', {}, ada.auth))).toBe('FORBIDDEN');
    // A stray row (as a bug or a manual edit would leave) is found and removed.
    await withClient(scoringApi.database.url, (c) =>
      c.query(`UPDATE "LeaderboardTotal" SET points = points + 1 WHERE "userId" = $1 AND period = 'ALL'`, [ada.id]),
    );
    expect((await recompute()).body.data!.recomputeLeaderboards).toMatchObject({ corrected: 1, totals: 1 });
    expect((await recompute()).body.data!.recomputeLeaderboards).toMatchObject({ corrected: 0 });
  });
});
