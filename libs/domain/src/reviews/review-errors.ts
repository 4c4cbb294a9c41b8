import { DomainError } from '../errors/domain-error';

export enum ReviewErrorCode {
  /** The review is claimed by another mentor (lease running), decided, or abandoned: it cannot be claimed now. */
  NotClaimable = 'REVIEW_NOT_CLAIMABLE',
  /** The mentor already holds MAX_CLAIMS_PER_MENTOR claims; release or decide one first. `details.limit`. */
  ClaimLimit = 'REVIEW_CLAIM_LIMIT',
  /** Only the mentor holding the claim (with a running lease) may renew, release or decide it. */
  NotClaimHolder = 'REVIEW_NOT_CLAIMED_BY_YOU',
  /** The rubric scores do not fit the challenge's rubric; `details.problem` says how. */
  RubricInvalid = 'RUBRIC_INVALID',
  /** The comment is empty or too long, its anchor names no heading or source line, or its parent is not a thread of this review. */
  CommentInvalid = 'COMMENT_INVALID',
  /** requestReview on a submission that is not scored (nothing to review yet). */
  NotReviewable = 'NOT_REVIEWABLE',
}

export class ReviewError extends DomainError<ReviewErrorCode> {}
