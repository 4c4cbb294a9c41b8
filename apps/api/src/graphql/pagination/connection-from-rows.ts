import type { ConnectionShape } from './connection.model';
import { encodeCursor } from './cursor';
import { assertPageSize } from './page-size';

/**
 * Rows fetched with `take: first + 1` (one more than asked) become a page: the extra row only
 * says that another page follows and is not returned. `sortKey` gives each row's cursor values,
 * the same ones the query orders by.
 */
export function connectionFromRows<T>(
  rows: readonly T[],
  first: number,
  sortKey: (row: T) => readonly (string | number)[],
): ConnectionShape<T> {
  assertPageSize(first);
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(sortKey(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** `take` for a page of `first`: one extra row tells whether another page follows. */
export function takeFor(first: number): number {
  return assertPageSize(first) + 1;
}
