import { DomainError } from '../errors/domain-error';

export enum LeaderboardErrorCode {
  /** hideResult on a result that is already hidden. */
  AlreadyHidden = 'RESULT_ALREADY_HIDDEN',
  /** showResult on a result that is not hidden. */
  NotHidden = 'RESULT_NOT_HIDDEN',
  /** The reason for hiding or showing is missing or too long; `details.limit`. */
  ReasonInvalid = 'REASON_INVALID',
}

export class LeaderboardError extends DomainError<LeaderboardErrorCode> {}
