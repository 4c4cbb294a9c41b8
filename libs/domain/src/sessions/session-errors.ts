import { DomainError } from '../errors/domain-error';

export enum SessionErrorCode {
  /** The session's deadline (plus SESSION_GRACE_MS) has passed: it takes no more edits. Start a new session. */
  SessionExpired = 'SESSION_EXPIRED',
  /** The challenge is not an AI_FREE_SESSION challenge: it has no timed session. */
  WrongChallengeKind = 'WRONG_CHALLENGE_KIND',
  /**
   * The edit batch breaks a rule of `validateEditBatch`; `details.problem` is the first problem's
   * code (e.g. `EDIT_INVALID_POSITION`), `details.problems` all codes (comma-separated),
   * `details.eventIndex` the first offending event when there is one.
   */
  EditBatchInvalid = 'EDIT_BATCH_INVALID',
  /** The session's edit log is full (MAX_SESSION_LOG_BYTES); `details.limit` is the cap. Nothing was stored. */
  EditLogFull = 'EDIT_LOG_FULL',
  /** A batch with this seq is already stored with different events; a resend must be identical. */
  EditBatchConflict = 'EDIT_BATCH_CONFLICT',
  /** sessionPlayback was asked for more than MAX_PLAYBACK_TIMES times at once. */
  TooManyPlaybackTimes = 'TOO_MANY_PLAYBACK_TIMES',
  /** submitCode's language is not one the runner takes ("javascript" or "typescript"). */
  LanguageUnsupported = 'LANGUAGE_UNSUPPORTED',
  /** The submitted code is empty (only whitespace). */
  CodeEmpty = 'CODE_EMPTY',
  /** The submitted code is larger than MAX_CODE_BYTES of UTF-8; `details.limit` says how large it may be. */
  CodeTooLarge = 'CODE_TOO_LARGE',
}

export class SessionError extends DomainError<SessionErrorCode> {}
