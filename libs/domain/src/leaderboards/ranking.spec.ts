import { isoWeekKey, periodKey, rankPage } from './ranking';

describe('leaderboard ranking', () => {
  it('gives equal points equal competition ranks, continuing across pages', () => {
    const points = [300, 300, 250, 250, 250, 100];
    const first = rankPage(
      points.slice(0, 4).map((p) => ({ points: p })),
      null,
    );
    expect(first.map((row) => [row.position, row.rank])).toEqual([
      [1, 1],
      [2, 1],
      [3, 3],
      [4, 3],
    ]);
    const second = rankPage(
      points.slice(4).map((p) => ({ points: p })),
      first.at(-1)!,
    );
    expect(second.map((row) => [row.position, row.rank])).toEqual([
      [5, 3],
      [6, 6],
    ]);
  });

  it('names ISO weeks as PostgreSQL does, at the edges of weeks and years', () => {
    expect(isoWeekKey(new Date('2026-11-29T23:59:59.999Z'))).toBe('2026-W48'); // Sunday
    expect(isoWeekKey(new Date('2026-11-30T00:00:00.000Z'))).toBe('2026-W49'); // Monday
    expect(isoWeekKey(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53'); // a Friday in the last ISO week of 2026
    expect(isoWeekKey(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01'); // a Monday in the first ISO week of 2025
    expect(isoWeekKey(new Date('2021-01-03T23:00:00Z'))).toBe('2020-W53');
    expect(periodKey('ALL_TIME', new Date())).toBe('ALL');
    expect(periodKey('WEEK', new Date('2026-11-30T08:00:00Z'))).toBe('2026-W49');
  });
});
