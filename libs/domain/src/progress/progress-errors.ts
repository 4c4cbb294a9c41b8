import { DomainError } from '../errors/domain-error';

export enum ProgressErrorCode {
  /** A journal field is over its size limit; `details.field`, `details.limit`. */
  JournalEntryTooLarge = 'JOURNAL_ENTRY_TOO_LARGE',
  /** A journal field is missing, empty or malformed (minutes out of range, a link that is not http(s)); `details.field`. */
  JournalEntryInvalid = 'JOURNAL_ENTRY_INVALID',
  /** The entry was written more than 24 hours ago: it is kept as written. `details.editableUntil`. */
  JournalEditClosed = 'JOURNAL_EDIT_CLOSED',
  /** Not an IANA time zone name (such as Europe/Berlin or Asia/Tokyo). */
  TimeZoneInvalid = 'TIME_ZONE_INVALID',
  /** The item cannot be made public: not the learner's, or not something a portfolio shows (a report not approved). */
  NotPublishable = 'NOT_PUBLISHABLE',
}

export class ProgressError extends DomainError<ProgressErrorCode> {}
