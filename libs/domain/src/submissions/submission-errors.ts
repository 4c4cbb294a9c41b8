import { DomainError } from '../errors/domain-error';

export enum SubmissionErrorCode {
  /** The learner's daily quota for this challenge is used; `details.resetsAt`, `used`, `limit`. */
  QuotaExceeded = 'QUOTA_EXCEEDED',
  /** The submission names an artifact (by sha256) that the submitter did not upload. */
  ArtifactNotUploaded = 'ARTIFACT_NOT_UPLOADED',
  /** The mutation does not fit the challenge's kind (e.g. a model for an AI-free session). */
  WrongSubmissionKind = 'WRONG_SUBMISSION_KIND',
  /** The submission has no measured timing to draw (not scored yet, stopped before timing, or not a timed challenge). */
  ReportNotAvailable = 'REPORT_NOT_AVAILABLE',
}

export class SubmissionError extends DomainError<SubmissionErrorCode> {}
