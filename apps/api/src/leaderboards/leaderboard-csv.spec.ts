import { csvField, standingsCsv } from './leaderboard-csv';

const row = (handle: string, team: string | null) => ({
  rank: 1,
  handle,
  team,
  points: 300,
  speedup: 8.25,
  achievedAt: new Date('2026-11-30T10:00:00Z'),
  isBaseline: false,
});

describe('leaderboard CSV', () => {
  it('writes a header and one CRLF-ended line per row, quoting commas, quotes and line breaks', () => {
    expect(standingsCsv([row('ada', 'Red, "the" team\nA'), row('bob', null)])).toBe(
      'rank,handle,team,points,speedup,achieved_at,is_baseline\r\n' +
        '1,ada,"Red, ""the"" team\nA",300,8.25,2026-11-30T10:00:00.000Z,false\r\n' +
        '1,bob,,300,8.25,2026-11-30T10:00:00.000Z,false\r\n',
    );
  });

  it('never lets a team name start a spreadsheet formula', () => {
    for (const name of ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)']) expect(csvField(name).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvField(-2)).toBe('-2');
  });
});
