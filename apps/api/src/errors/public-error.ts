import {
  ArtifactErrorCode,
  assertUnreachable,
  SubmissionErrorCode,
  AuthErrorCode,
  CertificateErrorCode,
  CommonErrorCode,
  LeaderboardErrorCode,
  PaginationErrorCode,
  ProgressErrorCode,
  ReviewErrorCode,
  SessionErrorCode,
  TeamErrorCode,
  type DomainErrorCode,
} from '@app/domain';

/** The codes clients see in GraphQL `extensions.code` (and in HTTP error bodies). */
export type PublicErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'QUOTA_EXCEEDED'
  | 'SERVICE_UNAVAILABLE'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_REQUEST'
  | 'INTERNAL_SERVER_ERROR';

export interface PublicError {
  code: PublicErrorCode;
  httpStatus: number;
}

/**
 * The one mapping from domain error codes to what clients see. A code added to
 * `DomainErrorCode` without a case here fails to compile (`assertUnreachable`).
 */
export function publicErrorFor(code: DomainErrorCode): PublicError {
  switch (code) {
    case CommonErrorCode.Unauthenticated:
      return { code: 'UNAUTHENTICATED', httpStatus: 401 };
    case CommonErrorCode.Forbidden:
      return { code: 'FORBIDDEN', httpStatus: 403 };
    case CommonErrorCode.NotFound:
      return { code: 'NOT_FOUND', httpStatus: 404 };
    case CommonErrorCode.InvalidInput:
      return { code: 'BAD_USER_INPUT', httpStatus: 400 };
    case CommonErrorCode.Conflict:
      return { code: 'CONFLICT', httpStatus: 409 };
    case CommonErrorCode.RateLimited:
      return { code: 'RATE_LIMITED', httpStatus: 429 };
    case CommonErrorCode.Unavailable:
      return { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 };
    case AuthErrorCode.InvalidCredentials:
    case AuthErrorCode.TokenInvalid:
    case AuthErrorCode.TokenExpired:
    case AuthErrorCode.SessionRevoked:
    case AuthErrorCode.RefreshTokenReused:
    case AuthErrorCode.RefreshTokenInvalid:
      return { code: 'UNAUTHENTICATED', httpStatus: 401 };
    case AuthErrorCode.WeakPassword:
    case AuthErrorCode.InvalidAccountDetails:
    case AuthErrorCode.InvalidTokenName:
    case TeamErrorCode.InvalidTeamDetails:
    case PaginationErrorCode.PageSizeOutOfRange:
    case PaginationErrorCode.InvalidCursor:
      return { code: 'BAD_USER_INPUT', httpStatus: 400 };
    case AuthErrorCode.EmailTaken:
    case AuthErrorCode.HandleTaken:
    case AuthErrorCode.LastAdmin:
    case TeamErrorCode.AlreadyInTeam:
    case TeamErrorCode.OwnerMustTransfer:
    case TeamErrorCode.SlugTaken:
      return { code: 'CONFLICT', httpStatus: 409 };
    case TeamErrorCode.NotInTeam:
    case TeamErrorCode.InviteCodeInvalid:
      return { code: 'NOT_FOUND', httpStatus: 404 };
    case AuthErrorCode.LoginRateLimited:
      return { code: 'RATE_LIMITED', httpStatus: 429 };
    case ArtifactErrorCode.TooLarge:
      return { code: 'BAD_USER_INPUT', httpStatus: 413 };
    case ArtifactErrorCode.UnsupportedMediaType:
      return { code: 'BAD_USER_INPUT', httpStatus: 415 };
    case ArtifactErrorCode.UploadTimedOut:
      return { code: 'BAD_USER_INPUT', httpStatus: 408 };
    case ArtifactErrorCode.BodyIncomplete:
    case ArtifactErrorCode.InvalidDigest:
      return { code: 'BAD_USER_INPUT', httpStatus: 400 };
    case ArtifactErrorCode.Corrupted:
      return { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 };
    case SubmissionErrorCode.QuotaExceeded:
      return { code: 'QUOTA_EXCEEDED', httpStatus: 429 };
    case SubmissionErrorCode.ArtifactNotUploaded:
      return { code: 'NOT_FOUND', httpStatus: 404 };
    case SubmissionErrorCode.WrongSubmissionKind:
      return { code: 'BAD_USER_INPUT', httpStatus: 400 };
    case SubmissionErrorCode.ReportNotAvailable:
      return { code: 'NOT_FOUND', httpStatus: 404 };
    case CertificateErrorCode.TooLarge:
    case SessionErrorCode.WrongChallengeKind:
    case SessionErrorCode.EditBatchInvalid:
    case SessionErrorCode.TooManyPlaybackTimes:
    case SessionErrorCode.LanguageUnsupported:
    case SessionErrorCode.CodeEmpty:
    case SessionErrorCode.CodeTooLarge:
    case SessionErrorCode.EditLogFull:
    case SubmissionErrorCode.ReportTooLarge:
    case SubmissionErrorCode.ReportEmpty:
    case SubmissionErrorCode.EvidenceInvalid:
    case ReviewErrorCode.RubricInvalid:
    case ReviewErrorCode.CommentInvalid:
    case ReviewErrorCode.NotReviewable:
    case LeaderboardErrorCode.ReasonInvalid:
    case ProgressErrorCode.JournalEntryTooLarge:
    case ProgressErrorCode.JournalEntryInvalid:
    case ProgressErrorCode.TimeZoneInvalid:
    case ProgressErrorCode.NotPublishable:
      return { code: 'BAD_USER_INPUT', httpStatus: 400 };
    case SessionErrorCode.SessionExpired:
    case SessionErrorCode.EditBatchConflict:
      return { code: 'CONFLICT', httpStatus: 409 };
    case ReviewErrorCode.NotClaimable:
    case ReviewErrorCode.ClaimLimit:
    case ReviewErrorCode.NotClaimHolder:
    case LeaderboardErrorCode.AlreadyHidden:
    case LeaderboardErrorCode.NotHidden:
    case ProgressErrorCode.JournalEditClosed:
      return { code: 'CONFLICT', httpStatus: 409 };
    default:
      return assertUnreachable(code);
  }
}

/** Nest's own HTTP exceptions (validation pipes, unknown routes) by status. */
export function publicErrorForStatus(status: number): PublicError {
  if (status === 400 || status === 413 || status === 415 || status === 422) return { code: 'BAD_USER_INPUT', httpStatus: status };
  if (status === 401) return { code: 'UNAUTHENTICATED', httpStatus: status };
  if (status === 403) return { code: 'FORBIDDEN', httpStatus: status };
  if (status === 404 || status === 405) return { code: 'NOT_FOUND', httpStatus: status };
  if (status === 409) return { code: 'CONFLICT', httpStatus: status };
  if (status === 429) return { code: 'RATE_LIMITED', httpStatus: status };
  if (status === 503) return { code: 'SERVICE_UNAVAILABLE', httpStatus: status };
  return { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 };
}
