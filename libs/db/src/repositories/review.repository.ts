import { Injectable } from '@nestjs/common';
import { RESUBMISSION_RESERVED_MS } from '@app/domain';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';
import { NO_CHANGE, refreshStandings, type StandingsDelta } from './leaderboard-upkeep';

export type ReviewState = 'PENDING' | 'CLAIMED' | 'CHANGES_REQUESTED' | 'APPROVED' | 'ABANDONED';

export interface ReviewRecord {
  id: string;
  attemptId: string;
  submissionId: string;
  learnerId: string;
  challengeId: string;
  state: ReviewState;
  reason: string;
  mentorId: string | null;
  preferredMentorId: string | null;
  leaseExpiresAt: Date | null;
  pendingSince: Date;
  escalatedAt: Date | null;
  firstResponseAt: Date | null;
  rubric: unknown;
  summary: string | null;
  approvedPoints: number | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReviewCommentRecord {
  id: string;
  reviewId: string;
  authorId: string;
  submissionId: string;
  parentId: string | null;
  body: string;
  anchor: string | null;
  createdAt: Date;
}

export interface ReviewEventRecord {
  id: string;
  reviewId: string;
  actorId: string | null;
  action: string;
  submissionId: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** The outcome of a claim attempt. */
export type ClaimOutcome = 'claimed' | 'renewed' | 'limit' | 'not-claimable' | 'reserved';

/** Reviews that are PENDING, or CLAIMED with a lease that ran out (they are back in the queue). */
function claimable(now: Date): Prisma.ReviewWhereInput {
  return { OR: [{ state: 'PENDING' }, { state: 'CLAIMED', leaseExpiresAt: { lt: now } }] };
}

/** Not reserved for another mentor: no preferred mentor, the caller is it, or the reservation ran out. */
function notReservedForAnother(mentorId: string, now: Date): Prisma.ReviewWhereInput {
  return {
    OR: [
      { preferredMentorId: null },
      { preferredMentorId: mentorId },
      { pendingSince: { lt: new Date(now.getTime() - RESUBMISSION_RESERVED_MS) } },
    ],
  };
}

/**
 * Reviews, their comments and their history. Every state change is a conditional update on the
 * state it expects (and, for a claim holder, on the running lease), so two mentors racing for one
 * review, or a decision racing an expiry, cannot both win.
 */
@Injectable()
export class ReviewRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string, db: Db = this.prisma): Promise<ReviewRecord | null> {
    return db.review.findUnique({ where: { id } }) as Promise<ReviewRecord | null>;
  }

  /** The review of the attempt a submission belongs to, if there is one. */
  async findBySubmissionAttempt(submissionId: string): Promise<ReviewRecord | null> {
    const submission = await this.prisma.submission.findUnique({ where: { id: submissionId }, select: { attemptId: true } });
    if (!submission) return null;
    return this.prisma.review.findUnique({ where: { attemptId: submission.attemptId } }) as Promise<ReviewRecord | null>;
  }

  /**
   * Opens the attempt's review for `submissionId`, in `tx`: a new PENDING review, or the existing
   * one moved to this (newer) submission — back to PENDING unless a mentor holds it, with the
   * mentor who asked for changes as the preferred one. Idempotent for the same submission.
   */
  async open(
    input: { attemptId: string; submissionId: string; learnerId: string; challengeId: string; reason: string; actorId: string | null },
    now: Date,
    tx: Db,
  ): Promise<{ review: ReviewRecord; changed: boolean }> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('review:' || ${input.attemptId}))`;
    const existing = (await tx.review.findUnique({ where: { attemptId: input.attemptId } })) as ReviewRecord | null;
    if (!existing) {
      const review = (await tx.review.create({
        data: {
          attemptId: input.attemptId,
          submissionId: input.submissionId,
          learnerId: input.learnerId,
          challengeId: input.challengeId,
          reason: input.reason,
          pendingSince: now,
        },
      })) as ReviewRecord;
      await this.record(review.id, input.actorId, 'CREATED', input.submissionId, { reason: input.reason }, tx);
      return { review, changed: true };
    }
    if (existing.submissionId === input.submissionId) return { review: existing, changed: false };
    const held = existing.state === 'CLAIMED' && existing.leaseExpiresAt !== null && existing.leaseExpiresAt > now;
    const review = (await tx.review.update({
      where: { id: existing.id },
      data: held
        ? { submissionId: input.submissionId }
        : {
            submissionId: input.submissionId,
            state: 'PENDING',
            mentorId: null,
            leaseExpiresAt: null,
            pendingSince: now,
            escalatedAt: null,
            firstResponseAt: null,
            preferredMentorId: existing.state === 'CHANGES_REQUESTED' ? existing.mentorId : existing.preferredMentorId,
          },
    })) as ReviewRecord;
    await this.record(review.id, input.actorId, 'RESUBMITTED', input.submissionId, { previousState: existing.state }, tx);
    return { review, changed: true };
  }

  /**
   * Claims (or, for the holder, renews) a review for `leaseMs`, in `tx`. Claims of one mentor are
   * serialized so the limit of `maxClaims` running leases holds under concurrency.
   */
  async claim(reviewId: string, mentorId: string, now: Date, leaseMs: number, maxClaims: number, tx: Db): Promise<ClaimOutcome> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('review-mentor:' || ${mentorId}))`;
    const leaseExpiresAt = new Date(now.getTime() + leaseMs);
    const renewed = await tx.review.updateMany({
      where: { id: reviewId, state: 'CLAIMED', mentorId, leaseExpiresAt: { gt: now } },
      data: { leaseExpiresAt },
    });
    if (renewed.count === 1) {
      const review = (await tx.review.findUnique({ where: { id: reviewId }, select: { submissionId: true } }))!;
      await this.record(reviewId, mentorId, 'RENEWED', review.submissionId, { leaseExpiresAt: leaseExpiresAt.toISOString() }, tx);
      return 'renewed';
    }
    const held = await tx.review.count({ where: { mentorId, state: 'CLAIMED', leaseExpiresAt: { gt: now } } });
    if (held >= maxClaims) return 'limit';
    const claimed = await tx.review.updateManyAndReturn({
      where: { AND: [{ id: reviewId }, claimable(now), notReservedForAnother(mentorId, now)] },
      data: { state: 'CLAIMED', mentorId, leaseExpiresAt },
      select: { submissionId: true },
    });
    if (claimed.length === 1) {
      await this.record(reviewId, mentorId, 'CLAIMED', claimed[0]!.submissionId, { leaseExpiresAt: leaseExpiresAt.toISOString() }, tx);
      return 'claimed';
    }
    const reserved = await tx.review.count({ where: { AND: [{ id: reviewId }, claimable(now)] } });
    return reserved === 1 ? 'reserved' : 'not-claimable';
  }

  /** Gives a held review back to the queue (its place in the queue kept). @returns false unless `mentorId` holds it. */
  async release(reviewId: string, mentorId: string, now: Date, tx: Db): Promise<boolean> {
    const released = await tx.review.updateManyAndReturn({
      where: { id: reviewId, state: 'CLAIMED', mentorId, leaseExpiresAt: { gt: now } },
      data: { state: 'PENDING', mentorId: null, leaseExpiresAt: null },
      select: { submissionId: true },
    });
    if (released.length !== 1) return false;
    await this.record(reviewId, mentorId, 'RELEASED', released[0]!.submissionId, {}, tx);
    return true;
  }

  /**
   * Records the decision of the claim holder; an approval grants its points on the leaderboards in
   * the same transaction. @returns what changed on the leaderboards, or null unless `mentorId`
   * holds a running lease on it.
   */
  async decide(
    reviewId: string,
    mentorId: string,
    now: Date,
    decision: { state: 'APPROVED' | 'CHANGES_REQUESTED'; rubric: unknown; summary: string | null; approvedPoints: number | null },
    tx: Db,
  ): Promise<StandingsDelta | null> {
    const decided = await tx.review.updateManyAndReturn({
      where: { id: reviewId, state: 'CLAIMED', mentorId, leaseExpiresAt: { gt: now } },
      data: {
        state: decision.state,
        leaseExpiresAt: null,
        decidedAt: now,
        rubric: (decision.rubric ?? undefined) as Prisma.InputJsonValue | undefined,
        summary: decision.summary,
        approvedPoints: decision.approvedPoints,
        preferredMentorId: null,
      },
      select: { submissionId: true, learnerId: true, challengeId: true },
    });
    if (decided.length !== 1) return null;
    let standings = NO_CHANGE;
    if (decision.state === 'APPROVED') {
      // The approval stays with the approved result, whatever the attempt's review does next.
      await tx.result.updateMany({
        where: { submissionId: decided[0]!.submissionId },
        data: { approvedPoints: decision.approvedPoints, approvedAt: now },
      });
      standings = await refreshStandings(tx, { userIds: [decided[0]!.learnerId], challengeIds: [decided[0]!.challengeId] });
    }
    await this.record(reviewId, mentorId, decision.state, decided[0]!.submissionId, { approvedPoints: decision.approvedPoints }, tx);
    await this.markResponded(reviewId, mentorId, now, tx);
    return standings;
  }

  /** Stamps the mentor's first response of this review cycle (a comment or a decision), for the mentor stats. */
  async markResponded(reviewId: string, mentorId: string, now: Date, tx: Db): Promise<void> {
    const first = await tx.review.updateManyAndReturn({
      where: { id: reviewId, firstResponseAt: null },
      data: { firstResponseAt: now },
      select: { pendingSince: true, submissionId: true },
    });
    if (first.length === 1) {
      await this.record(
        reviewId,
        mentorId,
        'RESPONDED',
        first[0]!.submissionId,
        { waitedMs: now.getTime() - first[0]!.pendingSince.getTime() },
        tx,
      );
    }
  }

  addComment(
    data: { reviewId: string; authorId: string; submissionId: string; parentId: string | null; body: string; anchor: string | null },
    tx: Db,
  ): Promise<ReviewCommentRecord> {
    return tx.reviewComment.create({ data });
  }

  findComment(id: string): Promise<ReviewCommentRecord | null> {
    return this.prisma.reviewComment.findUnique({ where: { id } });
  }

  comments(reviewId: string): Promise<ReviewCommentRecord[]> {
    return this.prisma.reviewComment.findMany({ where: { reviewId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  async events(reviewId: string): Promise<ReviewEventRecord[]> {
    const rows = await this.prisma.reviewEvent.findMany({ where: { reviewId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map((row) => ({ ...row, details: row.details as Record<string, unknown> }));
  }

  /**
   * The queue of `mentor`: claimable reviews, oldest first, without the mentor's own work or their
   * team's, without resubmissions kept for another mentor; keyset-paginated on (pendingSince, id).
   */
  queue(
    mentor: { userId: string; teamId: string | null },
    filter: { kind?: string; challengeId?: string },
    now: Date,
    take: number,
    after?: { pendingSince: Date; id: string },
  ): Promise<ReviewRecord[]> {
    const notTeam: Prisma.ReviewWhereInput = mentor.teamId
      ? { learner: { OR: [{ membership: { is: null } }, { membership: { isNot: { teamId: mentor.teamId } } }] } }
      : {};
    return this.prisma.review.findMany({
      where: {
        AND: [
          claimable(now),
          notReservedForAnother(mentor.userId, now),
          { learnerId: { not: mentor.userId } },
          notTeam,
          filter.kind ? { challenge: { kind: filter.kind as Prisma.EnumChallengeKindFilter['equals'] } } : {},
          filter.challengeId ? { challengeId: filter.challengeId } : {},
          after ? { OR: [{ pendingSince: { gt: after.pendingSince } }, { pendingSince: after.pendingSince, id: { gt: after.id } }] } : {},
        ],
      },
      orderBy: [{ pendingSince: 'asc' }, { id: 'asc' }],
      take,
    }) as Promise<ReviewRecord[]>;
  }

  /** A mentor's decisions and the median wait before their first response in a review cycle. */
  async mentorStats(mentorId: string): Promise<{ decided: number; approved: number; medianFirstResponseMs: number | null }> {
    const [decided, approved, responses] = await Promise.all([
      this.prisma.reviewEvent.count({ where: { actorId: mentorId, action: { in: ['APPROVED', 'CHANGES_REQUESTED'] } } }),
      this.prisma.reviewEvent.count({ where: { actorId: mentorId, action: 'APPROVED' } }),
      this.prisma.reviewEvent.findMany({ where: { actorId: mentorId, action: 'RESPONDED' }, select: { details: true } }),
    ]);
    const waits = responses
      .map((row) => Number((row.details as { waitedMs?: unknown }).waitedMs))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const middle = Math.floor(waits.length / 2);
    const median = waits.length === 0 ? null : waits.length % 2 === 1 ? waits[middle]! : (waits[middle - 1]! + waits[middle]!) / 2;
    return { decided, approved, medianFirstResponseMs: median };
  }

  /**
   * The scheduled sweep: leases that ran out go back to PENDING, reviews PENDING since before
   * `escalateBefore` are escalated, CHANGES_REQUESTED decided before `abandonBefore` are ABANDONED.
   * @returns the ids of the reviews it changed.
   */
  async sweep(now: Date, escalateBefore: Date, abandonBefore: Date): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const expired = await tx.review.updateManyAndReturn({
        where: { state: 'CLAIMED', leaseExpiresAt: { lte: now } },
        data: { state: 'PENDING', mentorId: null, leaseExpiresAt: null },
        select: { id: true, submissionId: true },
      });
      const escalated = await tx.review.updateManyAndReturn({
        where: { state: 'PENDING', pendingSince: { lt: escalateBefore }, escalatedAt: null },
        data: { escalatedAt: now },
        select: { id: true, submissionId: true },
      });
      const abandoned = await tx.review.updateManyAndReturn({
        where: { state: 'CHANGES_REQUESTED', decidedAt: { lt: abandonBefore } },
        data: { state: 'ABANDONED' },
        select: { id: true, submissionId: true },
      });
      const events = [
        ...expired.map((row) => ({ ...row, action: 'LEASE_EXPIRED' })),
        ...escalated.map((row) => ({ ...row, action: 'ESCALATED' })),
        ...abandoned.map((row) => ({ ...row, action: 'ABANDONED' })),
      ];
      if (events.length > 0) {
        await tx.reviewEvent.createMany({
          data: events.map((event) => ({ reviewId: event.id, actorId: null, action: event.action, submissionId: event.submissionId })),
        });
      }
      return [...new Set(events.map((event) => event.id))];
    });
  }

  private async record(
    reviewId: string,
    actorId: string | null,
    action: string,
    submissionId: string,
    details: Record<string, unknown>,
    tx: Db,
  ): Promise<void> {
    await tx.reviewEvent.create({ data: { reviewId, actorId, action, submissionId, details: details as Prisma.InputJsonValue } });
  }
}
