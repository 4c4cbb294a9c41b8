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
  /** The report is larger than the challenge's maxReportBytes (200 KB) of UTF-8; `details.limit`. */
  ReportTooLarge = 'REPORT_TOO_LARGE',
  /** The report is blank. */
  ReportEmpty = 'REPORT_EMPTY',
  /**
   * The evidence of a report is not one of the learner's own SCORED submissions of the kind the
   * challenge documents (`details.documents`).
   */
  EvidenceInvalid = 'EVIDENCE_INVALID',
}

/** The largest report any challenge takes (200 KB); a challenge may set less. */
export const MAX_REPORT_BYTES = 200 * 1024;

export class SubmissionError extends DomainError<SubmissionErrorCode> {}
