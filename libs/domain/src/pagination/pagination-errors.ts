import { DomainError } from '../errors/domain-error';

/** Codes for paging through any list (Relay connections: `first`, `after`). */
export enum PaginationErrorCode {
  /** `first` is outside 1–100; the message quotes the value given. */
  PageSizeOutOfRange = 'PAGE_SIZE_OUT_OF_RANGE',
  /** `after` is not a cursor this server issued for this list (malformed, truncated or edited). */
  InvalidCursor = 'INVALID_CURSOR',
}

export class PaginationError extends DomainError<PaginationErrorCode> {}
