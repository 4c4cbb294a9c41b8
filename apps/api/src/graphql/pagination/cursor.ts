import { PaginationError, PaginationErrorCode } from '@app/domain';

/** One position in a list, as the values of its sort key, e.g. `[createdAt ISO string, id]`. */
export type CursorPart = 'string' | 'number';
type PartValue<P extends CursorPart> = P extends 'string' ? string : number;
export type CursorValues<S extends readonly CursorPart[]> = { -readonly [K in keyof S]: PartValue<S[K]> };

/** Far above any real sort key; longer input is refused before it is decoded. */
const MAX_CURSOR_LENGTH = 512;

/**
 * An opaque cursor: base64url of the JSON tuple of the sort key. Clients must treat it as opaque;
 * it is not signed, so a service must read it only as "start after this key" (never as permission).
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The sort key inside a cursor this server issued, checked against the shape the list expects.
 * @throws PaginationError INVALID_CURSOR for anything else (malformed, truncated, edited, another list's)
 */
export function decodeCursor<const S extends readonly CursorPart[]>(cursor: string, shape: S): CursorValues<S> {
  const invalid = () =>
    new PaginationError(
      PaginationErrorCode.InvalidCursor,
      'after is not a cursor from this list; pass an endCursor or edge cursor exactly as received',
    );
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const fits =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((value, index) => typeof value === shape[index] && (typeof value !== 'number' || Number.isFinite(value)));
  if (!fits) throw invalid();
  return values as CursorValues<S>;
}
