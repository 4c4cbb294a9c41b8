import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { AttemptRepository, ChallengeRepository, ReviewRepository, SubmissionRepository, TransactionRunner } from '@app/db';
import { withClient, type TestDatabase } from '@app/testing';
import { startIntApp, type IntApp } from '../support/int-app';
import { REVIEW_SWEEP_JOB, ReviewMaintenanceService } from '../../apps/api/src/reviews/review-maintenance.service';

/** Review timeouts on a real database: the sweep the job queue runs every minute, and its schedule. */
describe('review sweep', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let intApp: IntApp;
  const now = new Date();
  const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3_600_000);

  beforeAll(async () => {
    intApp = await startIntApp();
    ({ database, app } = intApp);
  });

  afterAll(async () => {
    await intApp?.stop();
  });

  /** A review in `state`, with the given times, on a fresh learner's submission. */
  async function review(fields: { state: string; leaseExpiresAt?: Date; pendingSince?: Date; decidedAt?: Date }): Promise<string> {
    const userId = randomUUID();
    await withClient(database.url, (c) =>
      c.query(`INSERT INTO "User" (id, email, handle, "passwordHash", "updatedAt") VALUES ($1, $2, $3, 'x', now())`, [
        userId,
        `${userId}@example.com`,
        `u${userId.slice(0, 8)}`,
      ]),
    );
    const challenge = (await app.get(ChallengeRepository).findBySlug('document-an-optimization'))!;
    const attempt = await app
      .get(AttemptRepository)
      .findOrCreate({ userId, challengeId: challenge.id, challengeVersion: challenge.version, secretSeed: 'seed' });
    const submission = await app
      .get(SubmissionRepository)
      .create({ attemptId: attempt.id, userId, challengeId: challenge.id, modelSha256: null, sourceSha256: null });
    const { review: opened } = await app.get(TransactionRunner).run((tx) =>
      app.get(ReviewRepository).open(
        {
          attemptId: attempt.id,
          submissionId: submission.id,
          learnerId: userId,
          challengeId: challenge.id,
          reason: 'REQUIRED',
          actorId: null,
        },
        fields.pendingSince ?? now,
        tx,
      ),
    );
    await withClient(database.url, (c) =>
      c.query(
        `UPDATE "Review" SET state = $2::text::"ReviewState", "leaseExpiresAt" = $3, "decidedAt" = $4,
              "mentorId" = CASE WHEN $2::text = 'CLAIMED' THEN $5::uuid END WHERE id = $1`,
        [opened.id, fields.state, fields.leaseExpiresAt ?? null, fields.decidedAt ?? null, userId],
      ),
    );
    return opened.id;
  }

  const stateOf = (id: string) => app.get(ReviewRepository).findById(id);

  it('returns expired leases to the queue, escalates week-old PENDING reviews, abandons month-old change requests; nothing else', async () => {
    const expired = await review({ state: 'CLAIMED', leaseExpiresAt: new Date(now.getTime() - 1_000) });
    const running = await review({ state: 'CLAIMED', leaseExpiresAt: new Date(now.getTime() + 60_000) });
    const stale = await review({ state: 'PENDING', pendingSince: daysAgo(8) });
    const fresh = await review({ state: 'PENDING', pendingSince: daysAgo(6) });
    const forgotten = await review({ state: 'CHANGES_REQUESTED', decidedAt: daysAgo(29) });
    const recent = await review({ state: 'CHANGES_REQUESTED', decidedAt: daysAgo(27) });

    const changed = await app.get(ReviewMaintenanceService).sweep(now);
    expect(changed.sort()).toEqual([expired, stale, forgotten].sort());
    expect(await stateOf(expired)).toMatchObject({ state: 'PENDING', mentorId: null, leaseExpiresAt: null });
    expect(await stateOf(running)).toMatchObject({ state: 'CLAIMED' });
    expect((await stateOf(stale))!.escalatedAt).toEqual(now);
    expect((await stateOf(fresh))!.escalatedAt).toBeNull();
    expect(await stateOf(forgotten)).toMatchObject({ state: 'ABANDONED' });
    expect(await stateOf(recent)).toMatchObject({ state: 'CHANGES_REQUESTED' });
    const actions = (await app.get(ReviewRepository).events(expired)).map((event) => event.action);
    expect(actions).toEqual(['CREATED', 'LEASE_EXPIRED']);
    // A second sweep at the same time changes nothing (escalation is once).
    expect(await app.get(ReviewMaintenanceService).sweep(now)).toEqual([]);
  });

  it('is scheduled by the job queue (a pg-boss cron schedule in the database), not by a timer', async () => {
    await app.get(ReviewMaintenanceService).start();
    const rows = await withClient(
      database.url,
      async (c) => (await c.query('SELECT name, cron FROM pgboss.schedule WHERE name = $1', [REVIEW_SWEEP_JOB])).rows,
    );
    expect(rows).toEqual([{ name: REVIEW_SWEEP_JOB, cron: '* * * * *' }]);
  });
});
