/** CSV export of a board (`GET /leaderboards/:scope.csv`): RFC 4180, formula-neutralised. */

/** What a CSV line holds of a row. */
export interface CsvRow {
  rank: number;
  handle: string;
  team: string | null;
  points: number;
  speedup: number | null;
  achievedAt: Date;
  isBaseline: boolean;
}

/** The rows an export holds at most: a board longer than this is cut. */
export const CSV_MAX_ROWS = 100_000;
/** Rows read per query while exporting. */
export const CSV_PAGE = 1_000;

/** A CSV field: quoted when needed, and a leading =, +, -, @ neutralised so spreadsheets never run it as a formula. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = ['rank', 'handle', 'team', 'points', 'speedup', 'achieved_at', 'is_baseline'] as const;

/** The rows of a board as CSV (RFC 4180: CRLF line ends, a header row). */
export function standingsCsv(rows: readonly CsvRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const row of rows) {
    lines.push(
      [row.rank, row.handle, row.team, row.points, row.speedup, row.achievedAt.toISOString(), row.isBaseline].map(csvField).join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
