/**
 * Leaderboard ranking rules (DESIGN.md §3, docs/leaderboards.md), framework-free.
 *
 * Rows are ordered by points descending, then the earlier time the points were reached, then id.
 * Ranks are competition ranks over points: equal points share a rank (1, 1, 3). Points are kept
 * rounded to POINTS_DECIMALS when they are stored, so what a client displays is exactly what was
 * ranked: rounding for display can never put two rows in another order or split a tie.
 */

/** Decimals points are stored (and ranked) with. */
export const POINTS_DECIMALS = 2;

/** The period key of all-time standings. */
export const ALL_TIME_PERIOD = 'ALL';

/**
 * The ISO week (UTC) holding `at`, as PostgreSQL's `to_char(at AT TIME ZONE 'UTC', 'IYYY-"W"IW')`
 * writes it: "2026-W48". Weeks start on Monday 00:00 UTC; the ISO year of the first days of January
 * can be the previous one (2027-01-01 is in 2026-W53).
 */
export function isoWeekKey(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday = 0
  day.setUTCDate(day.getUTCDate() - weekday + 3); // the Thursday of this week decides its year
  const year = day.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((day.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The stored period key a board of `period` reads at `now`. */
export function periodKey(period: 'ALL_TIME' | 'WEEK', now: Date): string {
  return period === 'WEEK' ? isoWeekKey(now) : ALL_TIME_PERIOD;
}

/** Where the row before a page stands: the page's ranks continue from it. */
export interface RankedPosition {
  /** 1-based position of the row in the board's order. */
  position: number;
  rank: number;
  points: number;
}

/**
 * Numbers the rows of one page of a board (already in board order) after `before` (null: the page
 * starts the board): each row's position, and its competition rank — the rank of the row before
 * it when their points are equal, its position otherwise.
 */
export function rankPage<T extends { points: number }>(rows: readonly T[], before: RankedPosition | null): (T & RankedPosition)[] {
  let previous = before;
  return rows.map((row) => {
    const position = (previous?.position ?? 0) + 1;
    const rank = previous && previous.points === row.points ? previous.rank : position;
    const ranked = { ...row, position, rank };
    previous = ranked;
    return ranked;
  });
}
