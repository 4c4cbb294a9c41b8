import type { ArtifactErrorCode } from '../artifacts/artifact-errors';
import type { AuthErrorCode } from '../auth/auth-errors';
import type { CertificateErrorCode } from '../certificates/certificate-errors';
import type { SessionErrorCode } from '../sessions/session-errors';
import type { SubmissionErrorCode } from '../submissions/submission-errors';
import type { PaginationErrorCode } from '../pagination/pagination-errors';
import type { TeamErrorCode } from '../teams/team-errors';
import type { ReviewErrorCode } from '../reviews/review-errors';
import type { LeaderboardErrorCode } from '../leaderboards/leaderboard-errors';
import type { ProgressErrorCode } from '../progress/progress-errors';

/** Codes any area may use when nothing more specific fits. */
export enum CommonErrorCode {
  /** The caller is not signed in, or the token is missing, expired or revoked. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The caller is signed in but may not do this to this object. */
  Forbidden = 'FORBIDDEN',
  /** No such object, or the caller may not know that it exists. */
  NotFound = 'NOT_FOUND',
  /** An argument is malformed or out of range; the message names it. */
  InvalidInput = 'INVALID_INPUT',
  /** The request conflicts with the current state (a duplicate, a stale version). */
  Conflict = 'CONFLICT',
  /** Too many attempts; `details.retryAt` says when to try again. */
  RateLimited = 'RATE_LIMITED',
  /** A dependency (database, queue) is unavailable; retrying later is safe. */
  Unavailable = 'SERVICE_UNAVAILABLE',
}

/** Every domain error code. Add each new area's enum here; the API's mapping must then cover it. */
export type DomainErrorCode =
  | CommonErrorCode
  | AuthErrorCode
  | TeamErrorCode
  | PaginationErrorCode
  | ArtifactErrorCode
  | SubmissionErrorCode
  | CertificateErrorCode
  | SessionErrorCode
  | ReviewErrorCode
  | LeaderboardErrorCode
  | ProgressErrorCode;
