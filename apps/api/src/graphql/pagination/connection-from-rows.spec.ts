import { connectionFromRows, takeFor } from './connection-from-rows';
import { decodeCursor } from './cursor';

interface Row {
  createdAt: string;
  id: string;
}

const rows = (count: number): Row[] =>
  Array.from({ length: count }, (_, i) => ({ createdAt: `2026-11-29T12:00:0${i}.000Z`, id: `row-${i}` }));
const sortKey = (row: Row) => [row.createdAt, row.id];

describe('connectionFromRows', () => {
  it('takes first + 1 rows', () => {
    expect(takeFor(20)).toBe(21);
    expect(() => takeFor(101)).toThrow('first must be between 1 and 100 (got 101)');
  });

  it('returns first rows and says another page follows when the extra row came back', () => {
    const page = connectionFromRows(rows(4), 3, sortKey);
    expect(page.edges.map((edge) => edge.node.id)).toEqual(['row-0', 'row-1', 'row-2']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.endCursor).toBe(page.edges[2]!.cursor);
    expect(decodeCursor(page.pageInfo.endCursor!, ['string', 'string'] as const)).toEqual(['2026-11-29T12:00:02.000Z', 'row-2']);
  });

  it('ends the list when no extra row came back', () => {
    const page = connectionFromRows(rows(3), 3, sortKey);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: page.edges[2]!.cursor });
  });

  it('answers an empty page with no end cursor', () => {
    expect(connectionFromRows([], 20, sortKey)).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('refuses a page size outside 1–100', () => {
    expect(() => connectionFromRows(rows(1), 0, sortKey)).toThrow('first must be between 1 and 100 (got 0)');
  });
});
