import { LEADERBOARD_EVENT_MAX_IDS, leaderboardEvent, MAX_PAYLOAD_BYTES, parseEventPayload, submissionEvent } from './events';

describe('event payloads', () => {
  const submission = { id: 's-1', userId: 'u-1', status: 'RUNNING' as const, phase: 'parity', progress: 0.25 };

  it('round-trips a submission event built from a row', () => {
    const event = submissionEvent(submission, new Date('2026-11-30T10:00:00Z'));
    expect(event).toEqual({
      topic: 'submission',
      submissionId: 's-1',
      userId: 'u-1',
      status: 'RUNNING',
      phase: 'parity',
      progress: 0.25,
      at: '2026-11-30T10:00:00.000Z',
    });
    expect(parseEventPayload(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('brings progress and phase into bounds instead of failing the transaction that publishes them', () => {
    expect(submissionEvent({ ...submission, progress: 1.0000001 }).progress).toBe(1);
    expect(submissionEvent({ ...submission, progress: -0.1 }).progress).toBe(0);
    expect(submissionEvent({ ...submission, progress: Number.NaN }).progress).toBeNull();
    expect(submissionEvent({ ...submission, phase: 'x'.repeat(500) }).phase).toHaveLength(64);
  });

  it('strips fields it does not know, so an older replica still reads a newer one', () => {
    const event = { ...submissionEvent(submission), addedLater: 42 };
    const parsed = parseEventPayload(JSON.stringify(event));
    expect(parsed.ok && parsed.event).not.toHaveProperty('addedLater');
  });

  it.each([
    ['empty', '', 'empty payload'],
    ['not JSON', '{', 'not JSON'],
    ['an unknown topic', JSON.stringify({ topic: 'gossip' }), 'topic'],
    ['a missing field', JSON.stringify({ ...submissionEvent(submission), userId: undefined }), 'userId'],
    ['a status that does not exist', JSON.stringify({ ...submissionEvent(submission), status: 'DONE' }), 'status'],
    ['a timestamp that is not ISO 8601', JSON.stringify({ ...submissionEvent(submission), at: 'yesterday' }), 'at'],
  ])('refuses %s', (_case, payload, reason) => {
    const parsed = parseEventPayload(payload);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });

  it('announces a leaderboard change only when something changed, and says "everything" rather than overflow NOTIFY', () => {
    const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    expect(leaderboardEvent({ challengeIds: [], userIds: [], teamIds: [] })).toBeNull();
    const small = leaderboardEvent({ challengeIds: [uuid(1)], userIds: [uuid(2)], teamIds: [] }, new Date('2026-11-30T08:00:00Z'))!;
    expect(parseEventPayload(JSON.stringify(small))).toEqual({ ok: true, event: small });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => uuid(i));
    const full = leaderboardEvent({
      challengeIds: ids(LEADERBOARD_EVENT_MAX_IDS),
      userIds: ids(LEADERBOARD_EVENT_MAX_IDS),
      teamIds: ids(LEADERBOARD_EVENT_MAX_IDS),
    })!;
    expect(full.everything).toBe(false);
    expect(Buffer.byteLength(JSON.stringify(full))).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const over = leaderboardEvent({ challengeIds: [], userIds: ids(LEADERBOARD_EVENT_MAX_IDS + 1), teamIds: [] })!;
    expect(over).toMatchObject({ everything: true, userIds: [], challengeIds: [], teamIds: [] });
  });
});
