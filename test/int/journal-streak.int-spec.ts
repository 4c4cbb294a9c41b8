import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { UserRepository } from '@app/db';
import type { Streak } from '@app/domain';
import { startIntApp, type IntApp } from '../support/int-app';
import type { Caller } from '../../apps/api/src/authorization/caller';
import { Clock } from '../../apps/api/src/clock/clock';
import { JournalService } from '../../apps/api/src/progress/journal.service';

/**
 * The daily journal streak on a real database, at the edges of days, weeks and time zones:
 * entries are written through JournalService at fixed instants (the app's Clock stands where a
 * test puts it), and the streak read back as ProgressService reads it, `journalStreak(userId, now)`.
 */
describe('the journal streak', () => {
  let intApp: IntApp;
  let app: INestApplication;
  let journal: JournalService;
  let standsAt = new Date('2026-11-29T23:59:00.000Z');

  beforeAll(async () => {
    intApp = await startIntApp();
    app = intApp.app;
    journal = app.get(JournalService);
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(standsAt));
  });

  afterAll(async () => {
    await intApp?.stop();
  });

  async function learner(timeZone?: string): Promise<Caller> {
    const handle = `streak-${randomBytes(4).toString('hex')}`;
    const user = await app.get(UserRepository).create({ email: `${handle}@example.com`, handle, passwordHash: 'unused', role: 'LEARNER' });
    if ('taken' in user) throw new Error(`${handle} taken`);
    const caller: Caller = {
      actor: { userId: user.id, handle, role: 'LEARNER', teamId: null, via: 'session', sessionId: null },
      failure: null,
    };
    if (timeZone) await journal.setTimeZone(caller, timeZone);
    return caller;
  }

  /** Writes an entry at `iso`; returns the day it was counted on. */
  async function writeAt(caller: Caller, iso: string): Promise<string> {
    standsAt = new Date(iso);
    const entry = await journal.add(caller, { tried: 'Something', learned: 'Something else', minutes: 20 });
    return entry.localDate;
  }

  const streakAt = (caller: Caller, iso: string): Promise<Streak> => journal.journalStreak(caller.actor!.userId, new Date(iso));

  it('counts nothing for a learner who never wrote', async () => {
    expect(await streakAt(await learner(), '2026-11-30T00:00:00.000Z')).toEqual({ current: 0, longest: 0 });
  });

  it('keeps a UTC learner’s streak across Sunday 23:59 UTC → Monday 00:00 UTC, and breaks it after a missed day', async () => {
    const ada = await learner();
    expect(await writeAt(ada, '2026-11-28T12:00:00.000Z')).toBe('2026-11-28'); // Saturday
    expect(await writeAt(ada, '2026-11-29T23:59:00.000Z')).toBe('2026-11-29'); // Sunday 23:59
    expect(await streakAt(ada, '2026-11-29T23:59:00.000Z')).toEqual({ current: 2, longest: 2 });
    // Monday 00:00, a new ISO week: nothing written yet today, and the streak holds until Monday ends.
    expect(await streakAt(ada, '2026-11-30T00:00:00.000Z')).toEqual({ current: 2, longest: 2 });
    expect(await streakAt(ada, '2026-11-30T23:59:59.999Z')).toEqual({ current: 2, longest: 2 });
    expect(await writeAt(ada, '2026-11-30T00:00:00.000Z')).toBe('2026-11-30');
    expect(await streakAt(ada, '2026-11-30T00:00:00.000Z')).toEqual({ current: 3, longest: 3 });
    // Tuesday written nothing: at Wednesday 00:00 the run is over; the longest is kept.
    expect(await streakAt(ada, '2026-12-01T23:59:59.999Z')).toEqual({ current: 3, longest: 3 });
    expect(await streakAt(ada, '2026-12-02T00:00:00.000Z')).toEqual({ current: 0, longest: 3 });
    expect(await writeAt(ada, '2026-12-02T08:00:00.000Z')).toBe('2026-12-02');
    expect(await streakAt(ada, '2026-12-02T08:00:00.000Z')).toEqual({ current: 1, longest: 3 });
  });

  it('counts a learner in UTC+9 writing at 00:30 local on their own day, not the UTC one', async () => {
    const kenji = await learner('Asia/Tokyo');
    // 23:00 on Sunday 2026-11-29 in Tokyo, then 00:30 on Monday 2026-11-30 in Tokyo: both on 2026-11-29 in UTC.
    expect(await writeAt(kenji, '2026-11-29T14:00:00.000Z')).toBe('2026-11-29');
    expect(await writeAt(kenji, '2026-11-29T15:30:00.000Z')).toBe('2026-11-30');
    expect(await streakAt(kenji, '2026-11-29T15:30:00.000Z')).toEqual({ current: 2, longest: 2 });
    // 23:00 on 2026-11-30 in Tokyo (14:00 UTC): the same local day again, so still 2.
    expect(await writeAt(kenji, '2026-11-30T14:00:00.000Z')).toBe('2026-11-30');
    expect(await streakAt(kenji, '2026-11-30T14:00:00.000Z')).toEqual({ current: 2, longest: 2 });
    // The run holds through Tokyo's 2026-12-01 and ends at Tokyo's midnight, 15:00 UTC, not UTC's.
    expect(await streakAt(kenji, '2026-12-01T14:59:59.999Z')).toEqual({ current: 2, longest: 2 });
    expect(await streakAt(kenji, '2026-12-01T15:00:00.000Z')).toEqual({ current: 0, longest: 2 });
  });

  it('keeps the days already written when the learner changes time zone, and counts today in the new zone', async () => {
    const mia = await learner('Asia/Tokyo');
    expect(await writeAt(mia, '2026-11-30T15:30:00.000Z')).toBe('2026-12-01'); // 00:30 on 2026-12-01 in Tokyo
    standsAt = new Date('2026-11-30T16:00:00.000Z');
    await journal.setTimeZone(mia, 'UTC');
    // The Tokyo day stays as written; in UTC it is still 2026-11-30, so that day has not come yet.
    expect(await streakAt(mia, '2026-11-30T16:00:00.000Z')).toEqual({ current: 0, longest: 0 });
    expect(await streakAt(mia, '2026-12-01T10:00:00.000Z')).toEqual({ current: 1, longest: 1 });
    expect(await writeAt(mia, '2026-12-01T10:00:00.000Z')).toBe('2026-12-01');
    expect(await writeAt(mia, '2026-12-02T10:00:00.000Z')).toBe('2026-12-02');
    expect(await streakAt(mia, '2026-12-02T10:00:00.000Z')).toEqual({ current: 2, longest: 2 });
  });
});
