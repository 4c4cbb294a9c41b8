import { randomBytes } from 'node:crypto';
import { withClient } from '@app/testing';
import { errorCode, errorReason, makeRole, register, type Account } from '../support/accounts';
import { FixedClock, startTestApp, type GraphqlResponse, type TestApp } from '../support/test-app';

/*
 * The learning journal (issue #12), over HTTP with a fixed clock: writing, listing and editing
 * entries; the size limits, the 24-hour edit window and ownership, each with its own error and
 * nothing stored changed; privacy; the learner's day in their time zone (UTC+9 at 00:30 local);
 * the streak as `me { progress { journalStreak } }` shows it (more cases: test/int/journal-streak.int-spec.ts).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Sunday 2026-11-29, 23:59 UTC: the last minute of ISO week 2026-W48. */
const SUNDAY_2359 = new Date('2026-11-29T23:59:00.000Z');
/** Monday 2026-11-30, 00:00 UTC. */
const MONDAY_0000 = new Date('2026-11-30T00:00:00.000Z');

const ENTRY_FIELDS = 'id tried failed learned minutes links localDate timeZone createdAt updatedAt editableUntil isPublic';

interface EntryView {
  id: string;
  tried: string;
  failed: string | null;
  learned: string;
  minutes: number;
  links: string[];
  localDate: string;
  timeZone: string;
  createdAt: string;
  updatedAt: string;
  editableUntil: string;
  isPublic: boolean;
}

interface EntryInput {
  tried: string;
  failed?: string | null;
  learned: string;
  minutes: number;
  links?: string[] | null;
}

const ENTRY: EntryInput = {
  tried: 'Fused the two linear layers',
  failed: 'Parity broke at fp16',
  learned: 'Accumulate in fp32',
  minutes: 45,
  links: ['https://example.com/notes'],
};

describe('the learning journal over HTTP', () => {
  let app: TestApp;
  const clock = new FixedClock(SUNDAY_2359);
  const sql = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
    withClient(app.database.url, async (client) => (await client.query(text, values)).rows as T[]);

  beforeAll(async () => {
    app = await startTestApp({}, undefined, clock);
  });

  afterAll(async () => {
    await app?.stop();
  });

  beforeEach(() => {
    clock.at = SUNDAY_2359;
  });

  const learner = (name: string) => register(app, `${name}-${randomBytes(3).toString('hex')}`);

  function add(account: Account | null, input: EntryInput = ENTRY): Promise<GraphqlResponse> {
    return app.graphql(
      `mutation($i: JournalEntryInput!) { addJournalEntry(input: $i) { ${ENTRY_FIELDS} } }`,
      { i: input },
      account?.auth ?? {},
    );
  }

  function edit(account: Account | null, id: string, input: EntryInput): Promise<GraphqlResponse> {
    return app.graphql(
      `mutation($id: ID!, $i: JournalEntryInput!) { editJournalEntry(id: $id, input: $i) { ${ENTRY_FIELDS} } }`,
      { id, i: input },
      account?.auth ?? {},
    );
  }

  async function added(account: Account, input: EntryInput = ENTRY): Promise<EntryView> {
    const { body } = await add(account, input);
    if (!body.data) throw new Error(`addJournalEntry failed: ${JSON.stringify(body.errors)}`);
    return body.data.addJournalEntry as EntryView;
  }

  async function journal(account: Account, first: number, after?: string): Promise<GraphqlResponse> {
    return app.graphql(
      `query($first: Int!, $after: String) { journal(first: $first, after: $after) { edges { cursor node { ${ENTRY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
      { first, after },
      account.auth,
    );
  }

  type Connection = { edges: { node: EntryView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  const connectionOf = (response: GraphqlResponse) => response.body.data!.journal as Connection;

  /** Everything stored about a learner's journal: the entries as stored and their audit records. */
  async function storedJournal(userId: string): Promise<unknown[]> {
    const entries = await sql(
      `SELECT id, tried, failed, learned, minutes, links, "localDate"::text, "timeZone", "createdAt", "updatedAt"
         FROM "JournalEntry" WHERE "userId" = $1 ORDER BY "createdAt", id`,
      [userId],
    );
    const audit = await sql(`SELECT action, "objectId" FROM "AuditEvent" WHERE "actorId" = $1 AND action LIKE 'journal.%' ORDER BY id`, [
      userId,
    ]);
    return [...entries, ...audit];
  }

  it('writes an entry on the learner’s day, lists the journal newest first, and edits an entry within 24 hours', async () => {
    const ada = await learner('ada');
    const sunday = await added(ada, { ...ENTRY, links: ['  https://example.com/notes  ', 'http://example.com/run'] });
    expect(sunday).toEqual({
      id: expect.any(String),
      tried: ENTRY.tried,
      failed: ENTRY.failed,
      learned: ENTRY.learned,
      minutes: 45,
      links: ['https://example.com/notes', 'http://example.com/run'],
      localDate: '2026-11-29',
      timeZone: 'UTC',
      createdAt: SUNDAY_2359.toISOString(),
      updatedAt: SUNDAY_2359.toISOString(),
      editableUntil: new Date(SUNDAY_2359.getTime() + DAY_MS).toISOString(),
      isPublic: false,
    });

    clock.at = MONDAY_0000;
    const monday = await added(ada, { tried: '  Profiled the model  ', learned: 'The softmax dominates', minutes: 1 });
    expect(monday).toMatchObject({ localDate: '2026-11-30', failed: null, links: [], tried: 'Profiled the model' });

    const firstPage = await journal(ada, 1);
    expect(connectionOf(firstPage).edges.map((edge) => edge.node.id)).toEqual([monday.id]);
    expect(connectionOf(firstPage).pageInfo.hasNextPage).toBe(true);
    const secondPage = await journal(ada, 1, connectionOf(firstPage).pageInfo.endCursor!);
    expect(connectionOf(secondPage).edges.map((edge) => edge.node)).toEqual([sunday]);
    expect(connectionOf(secondPage).pageInfo.hasNextPage).toBe(false);

    // Exactly 24 hours after it was written, the Sunday entry is still editable; its day stays Sunday.
    clock.at = new Date(SUNDAY_2359.getTime() + DAY_MS);
    const { body } = await edit(ada, sunday.id, { tried: 'Fused the layers, then unfused them', learned: 'Measure first', minutes: 50 });
    expect(body.errors).toBeUndefined();
    expect(body.data!.editJournalEntry).toEqual({
      ...sunday,
      tried: 'Fused the layers, then unfused them',
      failed: null,
      learned: 'Measure first',
      minutes: 50,
      links: [],
      updatedAt: clock.at.toISOString(),
    });

    // Audited without the entry's text: the journal is private.
    const audit = await sql<{ action: string; objectId: string; details: unknown }>(
      `SELECT action, "objectId", details FROM "AuditEvent" WHERE "actorId" = $1 AND action LIKE 'journal.%' ORDER BY id`,
      [ada.id],
    );
    expect(audit.map((event) => [event.action, event.objectId])).toEqual([
      ['journal.added', sunday.id],
      ['journal.added', monday.id],
      ['journal.edited', sunday.id],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/Fused|Profiled|softmax|Measure|fp32/);
  });

  it.each([
    ['tried', { tried: 'x'.repeat(2_001) }, 2_000],
    ['failed', { failed: 'x'.repeat(2_001) }, 2_000],
    ['learned', { learned: 'x'.repeat(2_001) }, 2_000],
    ['links', { links: Array.from({ length: 6 }, (_, i) => `https://example.com/${i}`) }, 5],
    ['links', { links: [`https://example.com/${'a'.repeat(481)}`] }, 500],
  ])('refuses an entry whose %s is over its limit (%#) with JOURNAL_ENTRY_TOO_LARGE and stores nothing', async (field, change, limit) => {
    const ada = await learner('big');
    await added(ada);
    const before = await storedJournal(ada.id);
    const response = await add(ada, { ...ENTRY, ...change });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(errorReason(response)).toBe('JOURNAL_ENTRY_TOO_LARGE');
    expect(response.body.errors![0]!.extensions).toMatchObject({ field, limit });
    expect(response.body.data).toBeNull();
    expect(await storedJournal(ada.id)).toEqual(before);
  });

  it('refuses entries that are invalid (no text, minutes out of range, links that are not http) with JOURNAL_ENTRY_INVALID', async () => {
    const ada = await learner('bad');
    const before = await storedJournal(ada.id);
    const cases: [Partial<EntryInput>, string][] = [
      [{ tried: '   ' }, 'tried'],
      [{ learned: '' }, 'learned'],
      [{ minutes: 0 }, 'minutes'],
      [{ minutes: 1_441 }, 'minutes'],
      [{ links: ['javascript:alert(1)'] }, 'links'],
    ];
    for (const [change, field] of cases) {
      const response = await add(ada, { ...ENTRY, ...change });
      expect([errorCode(response), errorReason(response), response.body.errors![0]!.extensions!.field]).toEqual([
        'BAD_USER_INPUT',
        'JOURNAL_ENTRY_INVALID',
        field,
      ]);
    }
    // Not a whole number: refused by GraphQL's Int before the service sees it.
    const fractional = await app.graphql(
      'mutation { addJournalEntry(input: { tried: "a", learned: "b", minutes: 1.5 }) { id } }',
      undefined,
      ada.auth,
    );
    expect(errorCode(fractional)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorCode(await add(null))).toBe('UNAUTHENTICATED');
    expect(await storedJournal(ada.id)).toEqual(before);
  });

  it('closes editing 24 hours + 1 ms after writing with JOURNAL_EDIT_CLOSED, and keeps the entry as written', async () => {
    const ada = await learner('late');
    const entry = await added(ada);
    const before = await storedJournal(ada.id);

    clock.at = new Date(SUNDAY_2359.getTime() + DAY_MS + 1);
    const late = await edit(ada, entry.id, { tried: 'Rewriting history', learned: 'Nothing', minutes: 5 });
    expect(errorCode(late)).toBe('CONFLICT');
    expect(errorReason(late)).toBe('JOURNAL_EDIT_CLOSED');
    expect(late.body.errors![0]!.extensions!.editableUntil).toBe(entry.editableUntil);
    // Closed is closed, whatever the new text would have been.
    expect(errorReason(await edit(ada, entry.id, { ...ENTRY, tried: 'x'.repeat(2_001) }))).toBe('JOURNAL_EDIT_CLOSED');
    expect(await storedJournal(ada.id)).toEqual(before);
    expect(connectionOf(await journal(ada, 5)).edges.map((edge) => edge.node)).toEqual([entry]);
  });

  it('refuses an edit over the size limit within the window, changing nothing', async () => {
    const ada = await learner('grow');
    const entry = await added(ada);
    const before = await storedJournal(ada.id);
    clock.at = new Date(SUNDAY_2359.getTime() + 60_000);
    const response = await edit(ada, entry.id, { ...ENTRY, learned: 'x'.repeat(2_001) });
    expect([errorCode(response), errorReason(response)]).toEqual(['BAD_USER_INPUT', 'JOURNAL_ENTRY_TOO_LARGE']);
    expect(await storedJournal(ada.id)).toEqual(before);
  });

  it('refuses edits of another user’s entry (FORBIDDEN, admins too), unknown ids (NOT_FOUND) and anonymous ones, changing nothing', async () => {
    const [ada, bob, root] = await Promise.all([learner('owner'), learner('other'), learner('root')]);
    await makeRole(app, root, 'ADMIN');
    const entry = await added(ada);
    const before = await storedJournal(ada.id);
    const change: EntryInput = { tried: 'Not mine to write', learned: 'Nothing', minutes: 5 };

    for (const someoneElse of [bob, root]) {
      const response = await edit(someoneElse, entry.id, change);
      expect(errorCode(response)).toBe('FORBIDDEN');
    }
    expect(errorCode(await edit(null, entry.id, change))).toBe('UNAUTHENTICATED');
    expect(errorCode(await edit(bob, '00000000-0000-4000-8000-000000000000', change))).toBe('NOT_FOUND');
    expect(errorCode(await edit(bob, 'not-a-uuid', change))).toBe('NOT_FOUND');
    expect(await storedJournal(ada.id)).toEqual(before);
    expect(await storedJournal(bob.id)).toEqual([]);
  });

  it('keeps entries private: not public by default, and nobody lists another learner’s journal', async () => {
    const [ada, bob] = await Promise.all([learner('private'), learner('nosy')]);
    const entry = await added(ada);
    expect(entry.isPublic).toBe(false);
    expect(connectionOf(await journal(bob, 10)).edges).toEqual([]);
    expect(connectionOf(await journal(ada, 10)).edges.map((edge) => edge.node.id)).toEqual([entry.id]);
    expect(errorCode(await app.graphql('{ journal(first: 5) { edges { node { id } } } }'))).toBe('UNAUTHENTICATED');
    // Public only once the portfolio has a row for it (what setVisibility writes).
    await sql(`INSERT INTO "PublicItem" ("userId", kind, "itemId") VALUES ($1, 'JOURNAL_ENTRY', $2)`, [ada.id, entry.id]);
    expect(connectionOf(await journal(ada, 10)).edges.map((edge) => edge.node.isPublic)).toEqual([true]);

    // No field reaches a journal by user: `journal` takes no user, and User has no journal field.
    const { body } = await app.graphql(
      '{ journalArgs: __type(name: "Query") { fields { name args { name } } } user: __type(name: "User") { fields { name } } }',
    );
    const queryFields = (body.data!.journalArgs as { fields: { name: string; args: { name: string }[] }[] }).fields;
    expect(
      queryFields
        .find((field) => field.name === 'journal')!
        .args.map((arg) => arg.name)
        .sort(),
    ).toEqual(['after', 'first']);
    expect((body.data!.user as { fields: { name: string }[] }).fields.map((field) => field.name)).not.toContain('journal');
  });

  it('refuses a cursor that is not from the journal', async () => {
    const ada = await learner('cursor');
    for (const after of ['garbage!', Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url')]) {
      const response = await journal(ada, 5, after);
      expect([errorCode(response), errorReason(response)]).toEqual(['BAD_USER_INPUT', 'INVALID_CURSOR']);
    }
  });

  it('gives a learner in Asia/Tokyo writing at 00:30 local that local date (the UTC date is the day before)', async () => {
    const ada = await learner('tokyo');
    const set = await app.graphql('mutation { setTimeZone(timeZone: "asia/tokyo") { id timeZone } }', undefined, ada.auth);
    expect(set.body.data!.setTimeZone).toEqual({ id: ada.id, timeZone: 'Asia/Tokyo' });

    clock.at = new Date('2026-11-30T15:30:00.000Z'); // 2026-12-01 00:30 in Tokyo
    const entry = await added(ada);
    expect(entry).toMatchObject({ localDate: '2026-12-01', timeZone: 'Asia/Tokyo', createdAt: '2026-11-30T15:30:00.000Z' });

    // A new zone counts the days of entries written from then on only.
    const back = await app.graphql('mutation { setTimeZone(timeZone: "UTC") { timeZone } }', undefined, ada.auth);
    expect(back.body.data!.setTimeZone).toEqual({ timeZone: 'UTC' });
    clock.at = new Date('2026-11-30T15:31:00.000Z');
    expect(await added(ada)).toMatchObject({ localDate: '2026-11-30', timeZone: 'UTC' });
    const stored = await sql<{ localDate: string; timeZone: string }>(
      `SELECT "localDate"::text AS "localDate", "timeZone" FROM "JournalEntry" WHERE "userId" = $1 ORDER BY "createdAt"`,
      [ada.id],
    );
    expect(stored).toEqual([
      { localDate: '2026-12-01', timeZone: 'Asia/Tokyo' },
      { localDate: '2026-11-30', timeZone: 'UTC' },
    ]);
  });

  it('computes the journal streak at the edges: Sunday 23:59 UTC, Monday 00:00 UTC, and 00:30 in Tokyo (UTC+9)', async () => {
    const streakOf = async (account: Account) => {
      const { body } = await app.graphql('{ me { progress { journalStreak { current longest } } } }', undefined, account.auth);
      if (!body.data) throw new Error(`progress failed: ${JSON.stringify(body.errors)}`);
      return (body.data.me as { progress: { journalStreak: { current: number; longest: number } } }).progress.journalStreak;
    };
    const [ada, kenji] = await Promise.all([learner('streak-utc'), learner('streak-tokyo')]);

    clock.at = new Date('2026-11-28T12:00:00.000Z'); // Saturday
    await added(ada);
    clock.at = SUNDAY_2359;
    await added(ada);
    expect(await streakOf(ada)).toEqual({ current: 2, longest: 2 });
    clock.at = MONDAY_0000; // a new day and a new ISO week, nothing written yet: the streak holds
    expect(await streakOf(ada)).toEqual({ current: 2, longest: 2 });
    await added(ada);
    expect(await streakOf(ada)).toEqual({ current: 3, longest: 3 });
    clock.at = new Date('2026-12-02T00:00:00.000Z'); // Tuesday missed
    expect(await streakOf(ada)).toEqual({ current: 0, longest: 3 });

    await app.graphql('mutation { setTimeZone(timeZone: "Asia/Tokyo") { id } }', undefined, kenji.auth);
    clock.at = new Date('2026-11-29T14:00:00.000Z'); // 23:00 on Sunday in Tokyo
    await added(kenji);
    clock.at = new Date('2026-11-29T15:30:00.000Z'); // 00:30 on Monday in Tokyo; still Sunday in UTC
    expect((await added(kenji)).localDate).toBe('2026-11-30');
    expect(await streakOf(kenji)).toEqual({ current: 2, longest: 2 });
    clock.at = new Date('2026-12-01T14:59:59.999Z'); // the last moment of Tuesday in Tokyo
    expect(await streakOf(kenji)).toEqual({ current: 2, longest: 2 });
    clock.at = new Date('2026-12-01T15:00:00.000Z'); // Wednesday 00:00 in Tokyo: Tuesday was missed
    expect(await streakOf(kenji)).toEqual({ current: 0, longest: 2 });
  });

  it('refuses an unknown time zone with TIME_ZONE_INVALID and keeps the one chosen', async () => {
    const ada = await learner('zone');
    await app.graphql('mutation { setTimeZone(timeZone: "Europe/Berlin") { id } }', undefined, ada.auth);
    for (const name of ['Mars/Olympus_Mons', '', 'x'.repeat(100)]) {
      const response = await app.graphql('mutation($z: String!) { setTimeZone(timeZone: $z) { id } }', { z: name }, ada.auth);
      expect([errorCode(response), errorReason(response)]).toEqual(['BAD_USER_INPUT', 'TIME_ZONE_INVALID']);
    }
    expect(errorCode(await app.graphql('mutation { setTimeZone(timeZone: "UTC") { id } }'))).toBe('UNAUTHENTICATED');
    const me = await app.graphql('{ me { timeZone } }', undefined, ada.auth);
    expect(me.body.data!.me).toEqual({ timeZone: 'Europe/Berlin' });
    const audit = await sql<{ details: unknown }>(
      `SELECT details FROM "AuditEvent" WHERE "objectId" = $1 AND action = 'user.time-zone-changed'`,
      [ada.id],
    );
    expect(audit.map((event) => event.details)).toEqual([{ from: 'UTC', to: 'Europe/Berlin' }]);
  });

  it('shows a user’s time zone only to themself and admins', async () => {
    const [ada, bob, root] = await Promise.all([learner('tz-owner'), learner('tz-mate'), learner('tz-admin')]);
    await makeRole(app, root, 'ADMIN');
    await app.graphql('mutation { setTimeZone(timeZone: "Asia/Tokyo") { id } }', undefined, ada.auth);
    const slug = `tz-${randomBytes(3).toString('hex')}`;
    const team = await app.graphql(
      'mutation($s: String!) { createTeam(input: { name: "Zones", slug: $s }) { inviteCode } }',
      { s: slug },
      ada.auth,
    );
    const inviteCode = (team.body.data!.createTeam as { inviteCode: string }).inviteCode;
    await app.graphql('mutation($c: String!) { joinTeam(inviteCode: $c) { slug } }', { c: inviteCode }, bob.auth);

    const zonesSeenBy = async (viewer: Account | null) => {
      const { body } = await app.graphql(
        'query($s: String!) { team(slug: $s) { members { handle timeZone } } }',
        { s: slug },
        viewer?.auth ?? {},
      );
      const members = (body.data!.team as { members: { handle: string; timeZone: string | null }[] }).members;
      return Object.fromEntries(members.map((member) => [member.handle, member.timeZone]));
    };
    expect(await zonesSeenBy(ada)).toEqual({ [ada.handle]: 'Asia/Tokyo', [bob.handle]: null });
    expect(await zonesSeenBy(bob)).toEqual({ [ada.handle]: null, [bob.handle]: 'UTC' });
    expect(await zonesSeenBy(root)).toEqual({ [ada.handle]: 'Asia/Tokyo', [bob.handle]: 'UTC' });
    expect(await zonesSeenBy(null)).toEqual({ [ada.handle]: null, [bob.handle]: null });
  });
});
