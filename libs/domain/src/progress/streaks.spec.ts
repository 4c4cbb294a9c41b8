import { dailyStreak, isTimeZone, localDateIn, weeklyStreak } from './streaks';

const at = (iso: string) => new Date(iso);

describe('weekly streak (ISO weeks, UTC)', () => {
  // 2026-11-29 is a Sunday (2026-W48); 2026-11-30 a Monday (2026-W49).
  const sundayLast = at('2026-11-29T23:59:59.999Z');
  const mondayFirst = at('2026-11-30T00:00:00.000Z');

  it('keeps the streak across Sunday 23:59:59.999 UTC → Monday 00:00 UTC while the new week is under way', () => {
    const weeks = ['2026-W46', '2026-W47', '2026-W48'];
    expect(weeklyStreak(weeks, sundayLast)).toEqual({ current: 3, longest: 3 });
    expect(weeklyStreak(weeks, mondayFirst)).toEqual({ current: 3, longest: 3 });
    expect(weeklyStreak([...weeks, '2026-W49'], mondayFirst)).toEqual({ current: 4, longest: 4 });
  });

  it('breaks the streak once a whole week passed without the habit', () => {
    const weeks = ['2026-W47', '2026-W48'];
    expect(weeklyStreak(weeks, at('2026-12-06T23:59:59.999Z'))).toEqual({ current: 2, longest: 2 }); // Sunday of W49
    expect(weeklyStreak(weeks, at('2026-12-07T00:00:00.000Z'))).toEqual({ current: 0, longest: 2 }); // Monday of W50
  });

  it('runs across the year end: 2026-W53 is followed by 2027-W01', () => {
    // 2027-01-03 is the Sunday of 2026-W53; 2027-01-04 the Monday of 2027-W01.
    expect(weeklyStreak(['2026-W52', '2026-W53'], at('2027-01-03T23:59:59.999Z'))).toEqual({ current: 2, longest: 2 });
    expect(weeklyStreak(['2026-W52', '2026-W53'], at('2027-01-04T00:00:00.000Z'))).toEqual({ current: 2, longest: 2 });
    expect(weeklyStreak(['2026-W52', '2026-W53', '2027-W01'], at('2027-01-04T00:00:00.000Z'))).toEqual({ current: 3, longest: 3 });
    expect(weeklyStreak(['2026-W52', '2026-W53'], at('2027-01-11T00:00:00.000Z'))).toEqual({ current: 0, longest: 2 });
  });

  it('counts week 53 as a week of its own: skipping it breaks the run', () => {
    expect(weeklyStreak(['2026-W52', '2027-W01'], at('2027-01-04T00:00:00.000Z'))).toEqual({ current: 1, longest: 1 });
  });

  it('runs across a year with 52 weeks: 2025-W52 → 2026-W01', () => {
    // 2025-12-29 (a Monday) starts 2026-W01.
    expect(weeklyStreak(['2025-W51', '2025-W52', '2026-W01'], at('2025-12-29T00:00:00.000Z'))).toEqual({ current: 3, longest: 3 });
  });

  it('keeps the longest run when the current one is shorter, and counts nothing for no weeks', () => {
    expect(weeklyStreak(['2026-W40', '2026-W41', '2026-W42', '2026-W47', '2026-W48'], sundayLast)).toEqual({ current: 2, longest: 3 });
    expect(weeklyStreak([], sundayLast)).toEqual({ current: 0, longest: 0 });
  });
});

describe('daily streak (calendar days in the learner’s time zone)', () => {
  // 00:30 on 2026-12-01 in Tokyo (UTC+9) is 15:30 UTC on 2026-11-30.
  const tokyoHalfPastMidnight = at('2026-11-30T15:30:00.000Z');

  it('takes the day in the learner’s zone: 00:30 in Tokyo is the previous day in UTC', () => {
    expect(localDateIn('Asia/Tokyo', tokyoHalfPastMidnight)).toBe('2026-12-01');
    expect(localDateIn('UTC', tokyoHalfPastMidnight)).toBe('2026-11-30');
    expect(localDateIn('Asia/Tokyo', at('2026-11-30T14:59:59.999Z'))).toBe('2026-11-30');
    expect(localDateIn('Asia/Tokyo', at('2026-11-30T15:00:00.000Z'))).toBe('2026-12-01');
  });

  it('keeps the current streak while today is not over (nothing written yet today in Tokyo)', () => {
    expect(dailyStreak(['2026-11-29', '2026-11-30'], tokyoHalfPastMidnight, 'Asia/Tokyo')).toEqual({ current: 2, longest: 2 });
    expect(dailyStreak(['2026-11-29', '2026-11-30', '2026-12-01'], tokyoHalfPastMidnight, 'Asia/Tokyo')).toEqual({
      current: 3,
      longest: 3,
    });
  });

  it('breaks the streak after a missed day, at the learner’s midnight, not UTC’s', () => {
    const dates = ['2026-11-28', '2026-11-29'];
    // 23:59:59.999 on 2026-11-30 in Tokyo: the 30th is still under way.
    expect(dailyStreak(dates, at('2026-11-30T14:59:59.999Z'), 'Asia/Tokyo')).toEqual({ current: 2, longest: 2 });
    // 00:00 on 2026-12-01 in Tokyo: the 30th was missed (in UTC it is still the 30th, and the streak holds).
    expect(dailyStreak(dates, at('2026-11-30T15:00:00.000Z'), 'Asia/Tokyo')).toEqual({ current: 0, longest: 2 });
    expect(dailyStreak(dates, at('2026-11-30T15:00:00.000Z'), 'UTC')).toEqual({ current: 2, longest: 2 });
  });

  it('runs across the UTC week boundary: Sunday 23:59 UTC, Monday 00:00 UTC', () => {
    const dates = ['2026-11-28', '2026-11-29'];
    expect(dailyStreak(dates, at('2026-11-29T23:59:00.000Z'), 'UTC')).toEqual({ current: 2, longest: 2 });
    expect(dailyStreak(dates, at('2026-11-30T00:00:00.000Z'), 'UTC')).toEqual({ current: 2, longest: 2 });
    expect(dailyStreak([...dates, '2026-11-30'], at('2026-11-30T00:00:00.000Z'), 'UTC')).toEqual({ current: 3, longest: 3 });
    expect(dailyStreak(dates, at('2026-12-01T00:00:00.000Z'), 'UTC')).toEqual({ current: 0, longest: 2 });
  });

  it('runs across month and year ends', () => {
    expect(dailyStreak(['2026-12-30', '2026-12-31', '2027-01-01'], at('2027-01-01T12:00:00Z'), 'UTC')).toEqual({ current: 3, longest: 3 });
    expect(dailyStreak(['2028-02-28', '2028-02-29', '2028-03-01'], at('2028-03-01T12:00:00Z'), 'UTC')).toEqual({ current: 3, longest: 3 });
  });

  it('ignores repeated days and days after today (written in a zone ahead of the current one)', () => {
    expect(dailyStreak(['2026-11-29', '2026-11-29', '2026-11-30'], at('2026-11-30T12:00:00Z'), 'UTC')).toEqual({ current: 2, longest: 2 });
    expect(dailyStreak(['2026-11-29', '2026-11-30', '2026-12-01'], at('2026-11-30T12:00:00Z'), 'UTC')).toEqual({ current: 2, longest: 2 });
    expect(dailyStreak([], at('2026-11-30T12:00:00Z'), 'UTC')).toEqual({ current: 0, longest: 0 });
  });

  it('counts the short and the long day of a DST change as one day each (America/New_York)', () => {
    const zone = 'America/New_York';
    // 2026-03-08: clocks go forward at 02:00 (a 23-hour day): EST (UTC-5) before, EDT (UTC-4) after.
    expect(localDateIn(zone, at('2026-03-08T04:59:59.999Z'))).toBe('2026-03-07');
    expect(localDateIn(zone, at('2026-03-08T05:00:00.000Z'))).toBe('2026-03-08');
    expect(localDateIn(zone, at('2026-03-09T03:59:59.999Z'))).toBe('2026-03-08');
    expect(localDateIn(zone, at('2026-03-09T04:00:00.000Z'))).toBe('2026-03-09');
    expect(dailyStreak(['2026-03-07', '2026-03-08', '2026-03-09'], at('2026-03-09T04:00:00.000Z'), zone)).toEqual({
      current: 3,
      longest: 3,
    });
    // 2026-11-01: clocks go back at 02:00 (a 25-hour day).
    expect(localDateIn(zone, at('2026-11-01T04:00:00.000Z'))).toBe('2026-11-01');
    expect(localDateIn(zone, at('2026-11-02T04:59:59.999Z'))).toBe('2026-11-01');
    expect(localDateIn(zone, at('2026-11-02T05:00:00.000Z'))).toBe('2026-11-02');
    expect(dailyStreak(['2026-10-31', '2026-11-01'], at('2026-11-02T04:59:59.999Z'), zone)).toEqual({ current: 2, longest: 2 });
    expect(dailyStreak(['2026-10-31', '2026-11-01'], at('2026-11-03T05:00:00.000Z'), zone)).toEqual({ current: 0, longest: 2 });
  });
});

describe('time zone names', () => {
  it.each(['UTC', 'Asia/Tokyo', 'Europe/Berlin', 'America/New_York'])('knows %s', (name) => {
    expect(isTimeZone(name)).toBe(true);
  });

  it.each(['', 'Mars/Olympus_Mons', 'Asia/Tokio', 'x'.repeat(65), '+09:00', '-0500', 'UTC+9', 'GMT-03:00'])('refuses %p', (name) => {
    expect(isTimeZone(name)).toBe(false);
  });

  it('throws for an unknown zone when asked for a date in it', () => {
    expect(() => localDateIn('Mars/Olympus_Mons', new Date())).toThrow(RangeError);
  });
});
