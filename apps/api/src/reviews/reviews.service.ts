import { Inject, Injectable } from '@nestjs/common';
import {
  AttemptRepository,
  ChallengeRepository,
  ReviewRepository,
  sqlExecutorFor,
  SubmissionRepository,
  TeamRepository,
  TransactionRunner,
  type DbTransaction,
  type ReviewCommentRecord,
  type ReviewRecord,
} from '@app/db';
import {
  approvedPoints,
  CommonErrorCode,
  DEFAULT_REVIEW_RUBRIC,
  DomainError,
  isUuid,
  MAX_CLAIMS_PER_MENTOR,
  Operation,
  REVIEW_LEASE_MS,
  ReviewError,
  ReviewErrorCode,
  validateAnchor,
  validateCommentBody,
  validateRubric,
  type RubricCriterion,
  type RubricScore,
} from '@app/domain';
import { EventBus, leaderboardEvent, progressEvent, reviewEvent } from '@app/events';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';

/** Tunable for tests and operators: how long a claim holds (REVIEW_LEASE_MS by default). */
export interface ReviewSettings {
  leaseMs: number;
}
export const REVIEW_SETTINGS = Symbol('REVIEW_SETTINGS');

/**
 * Mentor reviews (DESIGN.md §3; docs/reviews.md): the queue, claims with a lease, threaded comments
 * anchored to the work, decisions with a rubric. Every state change is a conditional write in the
 * repository; this service checks who may do it and announces it on the event bus.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly submissions: SubmissionRepository,
    private readonly attempts: AttemptRepository,
    private readonly challenges: ChallengeRepository,
    private readonly teams: TeamRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
    private readonly events: EventBus,
    @Inject(REVIEW_SETTINGS) private readonly settings: ReviewSettings,
  ) {}

  /**
   * Asks for a mentor's review of a scored submission (the owner, or an admin for anyone's). Opens
   * the attempt's review on it, or moves the attempt's review to it.
   * @throws NOT_FOUND, FORBIDDEN, NOT_REVIEWABLE
   */
  async request(caller: Caller, submissionId: string, now = new Date()): Promise<ReviewRecord> {
    this.authorization.signedIn(caller);
    const submission = isUuid(submissionId) ? await this.submissions.findById(submissionId) : null;
    if (!submission) throw new DomainError(CommonErrorCode.NotFound, `no submission ${submissionId}`);
    const actor = this.authorization.authorize(caller, Operation.RequestReview, { userId: submission.userId });
    if (submission.status !== 'SCORED') {
      throw new ReviewError(
        ReviewErrorCode.NotReviewable,
        `submission ${submission.id} is ${submission.status}; only a SCORED submission can be reviewed`,
      );
    }
    return this.transactions.run(async (tx) => {
      const { review, changed } = await this.reviews.open(
        {
          attemptId: submission.attemptId,
          submissionId: submission.id,
          learnerId: submission.userId,
          challengeId: submission.challengeId,
          reason: 'REQUESTED',
          actorId: actor.userId,
        },
        now,
        tx,
      );
      if (changed) await this.announce(review, tx);
      return review;
    });
  }

  /** A review, to its learner, the mentors who may review it, and admins. @throws NOT_FOUND, FORBIDDEN */
  async byId(caller: Caller, id: string): Promise<ReviewRecord> {
    return this.find(caller, id, Operation.ViewReview);
  }

  /** The review of a submission's attempt, when the caller may see it (else null). */
  async ofSubmission(caller: Caller, submission: { id: string }): Promise<ReviewRecord | null> {
    const review = await this.reviews.findBySubmissionAttempt(submission.id);
    if (!review) return null;
    return this.authorization.allows(caller, Operation.ViewReview, await this.target(review)) ? review : null;
  }

  /** The caller's queue: claimable reviews they may take, oldest first. @throws FORBIDDEN (learners) */
  async queue(
    caller: Caller,
    filter: { kind?: string | null; challengeSlug?: string | null },
    first: number,
    after: string | null | undefined,
    now = new Date(),
  ): Promise<ConnectionShape<ReviewRecord>> {
    const actor = this.authorization.authorize(caller, Operation.ViewReviewQueue);
    const challenge = filter.challengeSlug ? await this.challenges.findBySlug(filter.challengeSlug) : null;
    if (filter.challengeSlug && !challenge) throw new DomainError(CommonErrorCode.NotFound, `no challenge "${filter.challengeSlug}"`);
    const position = after ? decodeCursor(after, ['string', 'string'] as const) : undefined;
    const rows = await this.reviews.queue(
      { userId: actor.userId, teamId: actor.teamId },
      { kind: filter.kind ?? undefined, challengeId: challenge?.id },
      now,
      takeFor(first),
      position && { pendingSince: new Date(position[0]), id: position[1] },
    );
    return connectionFromRows(rows, first, (row) => [row.pendingSince.toISOString(), row.id]);
  }

  /**
   * Claims a review for the lease (renews it when the caller already holds it). At most
   * MAX_CLAIMS_PER_MENTOR at once; never the caller's own or their team's work.
   * @throws NOT_FOUND, FORBIDDEN, REVIEW_NOT_CLAIMABLE, REVIEW_CLAIM_LIMIT
   */
  async claim(caller: Caller, id: string, now = new Date()): Promise<ReviewRecord> {
    const review = await this.find(caller, id, Operation.ClaimReview);
    const mentorId = this.authorization.signedIn(caller).userId;
    return this.transactions.run(async (tx) => {
      const outcome = await this.reviews.claim(review.id, mentorId, now, this.settings.leaseMs, MAX_CLAIMS_PER_MENTOR, tx);
      if (outcome === 'limit') {
        throw new ReviewError(ReviewErrorCode.ClaimLimit, `you hold ${MAX_CLAIMS_PER_MENTOR} reviews; decide or release one first`, {
          limit: MAX_CLAIMS_PER_MENTOR,
        });
      }
      if (outcome === 'reserved') {
        throw new ReviewError(
          ReviewErrorCode.NotClaimable,
          'this resubmission is kept for the mentor who asked for the changes for 24 hours after it arrived',
        );
      }
      if (outcome === 'not-claimable') {
        throw new ReviewError(ReviewErrorCode.NotClaimable, `review ${review.id} is claimed by another mentor or already decided`);
      }
      const claimed = (await this.reviews.findById(review.id, tx))!;
      await this.announce(claimed, tx);
      return claimed;
    });
  }

  /** Gives a held review back to the queue. @throws NOT_FOUND, FORBIDDEN, REVIEW_NOT_CLAIMED_BY_YOU */
  async release(caller: Caller, id: string, now = new Date()): Promise<ReviewRecord> {
    const review = await this.find(caller, id, Operation.ReleaseReview);
    return this.transactions.run(async (tx) => {
      if (!(await this.reviews.release(review.id, this.authorization.signedIn(caller).userId, now, tx))) throw notHolder(review.id);
      const released = (await this.reviews.findById(review.id, tx))!;
      await this.announce(released, tx);
      return released;
    });
  }

  /**
   * Comments on a review: the learner, or the mentor holding the claim (admins too, while holding
   * it). A reply names its thread's first comment; an anchor names a heading of the report or a
   * line of the source archive under review.
   * @throws NOT_FOUND, FORBIDDEN, COMMENT_INVALID, REVIEW_NOT_CLAIMED_BY_YOU
   */
  async comment(
    caller: Caller,
    input: { reviewId: string; body: string; anchor?: string | null; parentId?: string | null },
    now = new Date(),
  ): Promise<ReviewCommentRecord> {
    const review = await this.find(caller, input.reviewId, Operation.CommentOnReview);
    const authorId = this.authorization.signedIn(caller).userId;
    const isLearner = authorId === review.learnerId;
    if (!isLearner && !holds(review, authorId, now)) throw notHolder(review.id);
    validateCommentBody(input.body);
    if (input.anchor) validateAnchor(input.anchor, await this.anchorTargets(review.submissionId));
    if (input.parentId) {
      const parent = isUuid(input.parentId) ? await this.reviews.findComment(input.parentId) : null;
      if (!parent || parent.reviewId !== review.id || parent.parentId !== null) {
        throw new ReviewError(ReviewErrorCode.CommentInvalid, 'parentId must be the first comment of a thread of this review', {
          problem: 'PARENT_UNKNOWN',
        });
      }
    }
    return this.transactions.run(async (tx) => {
      const comment = await this.reviews.addComment(
        {
          reviewId: review.id,
          authorId,
          submissionId: review.submissionId,
          parentId: input.parentId ?? null,
          body: input.body,
          anchor: input.anchor ?? null,
        },
        tx,
      );
      if (!isLearner) await this.reviews.markResponded(review.id, authorId, now, tx);
      await this.announce(review, tx);
      return comment;
    });
  }

  /**
   * The claim holder's decision: APPROVE (every rubric criterion scored; grants the approved
   * points) or REQUEST_CHANGES (scores optional; a resubmission on the attempt reopens it).
   * @throws NOT_FOUND, FORBIDDEN, RUBRIC_INVALID, COMMENT_INVALID, REVIEW_NOT_CLAIMED_BY_YOU
   */
  async decide(
    caller: Caller,
    input: { reviewId: string; decision: 'APPROVE' | 'REQUEST_CHANGES'; rubric?: RubricScore[] | null; summary?: string | null },
    now = new Date(),
  ): Promise<ReviewRecord> {
    const review = await this.find(caller, input.reviewId, Operation.DecideReview);
    if (!holds(review, this.authorization.signedIn(caller).userId, now)) throw notHolder(review.id);
    if (input.summary) validateCommentBody(input.summary);
    const rubric = await this.rubricOf(review);
    const scores = input.rubric ?? [];
    validateRubric(rubric, scores, input.decision);
    const result = await this.submissions.resultOf(review.submissionId);
    const points = input.decision === 'APPROVE' ? approvedPoints(result?.points ?? 0, rubric, scores) : null;
    return this.transactions.run(async (tx) => {
      const decided = await this.reviews.decide(
        review.id,
        this.authorization.signedIn(caller).userId,
        now,
        {
          state: input.decision === 'APPROVE' ? 'APPROVED' : 'CHANGES_REQUESTED',
          rubric: scores.map((score) => ({ ...score, maxScore: rubric.find((item) => item.criterion === score.criterion)!.maxScore })),
          summary: input.summary ?? null,
          approvedPoints: points,
        },
        tx,
      );
      if (!decided) throw notHolder(review.id);
      await this.events.publish(leaderboardEvent(decided), sqlExecutorFor(tx));
      await this.events.publish(progressEvent(review.learnerId), sqlExecutorFor(tx));
      const after = (await this.reviews.findById(review.id, tx))!;
      await this.announce(after, tx);
      return after;
    });
  }

  comments(review: { id: string }): Promise<ReviewCommentRecord[]> {
    return this.reviews.comments(review.id);
  }

  history(review: { id: string }) {
    return this.reviews.events(review.id);
  }

  /** The rubric the review is decided on: the challenge's (DOCUMENT_RESULTS) or the default one. */
  async rubricOf(review: { attemptId: string }): Promise<readonly RubricCriterion[]> {
    const attempt = (await this.attempts.findById(review.attemptId))!;
    const challenge = (await this.challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
    const spec = (challenge.definition as { spec?: { rubric?: RubricCriterion[] } }).spec;
    return spec?.rubric && spec.rubric.length > 0 ? spec.rubric : DEFAULT_REVIEW_RUBRIC;
  }

  /** When the review was escalated: shown to admins only (null to anyone else). */
  escalatedAtFor(caller: Caller, review: { escalatedAt: Date | null }): Date | null {
    return caller.actor?.role === 'ADMIN' ? review.escalatedAt : null;
  }

  /** A mentor's counts and median wait before first response. @throws FORBIDDEN (learners) */
  async mentorStats(caller: Caller) {
    const actor = this.authorization.authorize(caller, Operation.ViewReviewQueue);
    return this.reviews.mentorStats(actor.userId);
  }

  private async find(caller: Caller, id: string, operation: Operation): Promise<ReviewRecord> {
    this.authorization.signedIn(caller);
    const review = isUuid(id) ? await this.reviews.findById(id) : null;
    if (!review) throw new DomainError(CommonErrorCode.NotFound, `no review ${id}`);
    this.authorization.authorize(caller, operation, await this.target(review));
    return review;
  }

  /** The learner and their team now: a mentor who joined the learner's team may no longer review them. */
  private async target(review: ReviewRecord): Promise<{ userId: string; teamId: string | null }> {
    const membership = await this.teams.membershipOf(review.learnerId);
    return { userId: review.learnerId, teamId: membership?.teamId ?? null };
  }

  /** The headings of the report and the files of the source archive under review (from its result). */
  private async anchorTargets(submissionId: string) {
    const metrics = (await this.submissions.resultOf(submissionId))?.metrics ?? {};
    const report = metrics.reportChecks as { headings?: { anchor: string }[] } | undefined;
    const source = metrics.source as { files?: { path: string; lines: number }[] } | undefined;
    return {
      headings: (report?.headings ?? []).map((heading) => heading.anchor),
      files: new Map((source?.files ?? []).map((file) => [file.path, file.lines] as const)),
    };
  }

  private async announce(review: ReviewRecord, tx: DbTransaction): Promise<void> {
    await this.events.publish(reviewEvent(review), sqlExecutorFor(tx));
  }
}

function holds(review: ReviewRecord, userId: string, now: Date): boolean {
  return review.state === 'CLAIMED' && review.mentorId === userId && review.leaseExpiresAt !== null && review.leaseExpiresAt > now;
}

function notHolder(reviewId: string): ReviewError {
  return new ReviewError(
    ReviewErrorCode.NotClaimHolder,
    `you do not hold a running claim on review ${reviewId}; claim it first (a lease lasts ${REVIEW_LEASE_MS / 60_000} minutes by default)`,
  );
}
