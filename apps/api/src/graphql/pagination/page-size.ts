import { PaginationError, PaginationErrorCode } from '@app/domain';

/** `first` of every list: how many items one page holds. */
export const DEFAULT_PAGE_SIZE = 20;
export const MIN_PAGE_SIZE = 1;
export const MAX_PAGE_SIZE = 100;
/** The argument that names a page size, on any field that has it. */
export const PAGE_SIZE_ARGUMENT = 'first';

export function isValidPageSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_PAGE_SIZE && value <= MAX_PAGE_SIZE;
}

export function pageSizeMessage(got: unknown): string {
  return `first must be between ${MIN_PAGE_SIZE} and ${MAX_PAGE_SIZE} (got ${JSON.stringify(got) ?? 'nothing'})`;
}

/**
 * The page size a service may rely on. GraphQL requests are already refused before any resolver
 * runs (`pageSizeRule`); this guards calls that do not come through GraphQL.
 * @throws PaginationError PAGE_SIZE_OUT_OF_RANGE
 */
export function assertPageSize(first: number): number {
  if (!isValidPageSize(first)) throw new PaginationError(PaginationErrorCode.PageSizeOutOfRange, pageSizeMessage(first));
  return first;
}
