import { isoWeekKey } from '../leaderboards/ranking';

/**
 * Streaks (docs/progress.md), framework-free: runs of consecutive ISO weeks (UTC) or calendar days
 * (in the learner's time zone) with the habit done. A run still counts as current while its next
 * period is under way: this week's AI-free session can still come until Sunday 23:59:59 UTC, and
 * today's journal entry until the learner's midnight.
 */
export interface Streak {
  current: number;
  longest: number;
}

const DAY_MS = 86_400_000;

/** The calendar day (YYYY-MM-DD) at `at` in `timeZone` (IANA). @throws RangeError for an unknown zone */
export function localDateIn(timeZone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * Whether `name` is an IANA time zone this runtime knows (e.g. "Asia/Tokyo", "UTC"). Fixed offsets
 * ("+09:00"), which Intl also takes, are refused: a place's offset changes with its rules, a name
 * follows them.
 */
export function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64 || /^[+-]|^(UTC|GMT)[+-]/i.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Day number of a YYYY-MM-DD date (days since 1970-01-01). */
function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** Week number of an ISO week key "2026-W49" (consecutive weeks differ by 1, across years too). */
function weekNumber(key: string): number {
  const [year, week] = key.split('-W').map(Number) as [number, number];
  // Monday of ISO week 1: the Monday of the week holding January 4th.
  const jan4 = Date.UTC(year, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return Math.round((monday + (week - 1) * 7 * DAY_MS) / (7 * DAY_MS));
}

/** Runs of consecutive numbers; `now` is the current period's number. */
function streakOf(numbers: readonly number[], now: number): Streak {
  const sorted = [...new Set(numbers)].filter((n) => n <= now).sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  let previous = Number.NaN;
  for (const n of sorted) {
    run = n === previous + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = n;
  }
  const last = sorted.at(-1);
  const current = last !== undefined && (last === now || last === now - 1) ? run : 0;
  return { current, longest };
}

/** The weekly streak of ISO weeks (keys as isoWeekKey writes them) with the habit done, at `now`. */
export function weeklyStreak(weekKeys: readonly string[], now: Date): Streak {
  return streakOf(weekKeys.map(weekNumber), weekNumber(isoWeekKey(now)));
}

/** The daily streak of calendar days (YYYY-MM-DD) with an entry, at `now` in `timeZone`. */
export function dailyStreak(dates: readonly string[], now: Date, timeZone: string): Streak {
  return streakOf(dates.map(dayNumber), dayNumber(localDateIn(timeZone, now)));
}
