import { EditBatchProblemCode, validateEditBatch } from './edit-log';
import {
  sessionTakesWork,
  editBatchProblemDetails,
  SESSION_GRACE_MS,
  sameEvents,
  sessionDeadline,
  storedEvents,
  timeLeftMs,
} from './session-clock';

describe('the session clock', () => {
  const start = new Date('2026-11-30T10:00:00.000Z');

  it('puts the deadline timeLimitMinutes after the start', () => {
    expect(sessionDeadline(start, 45).toISOString()).toBe('2026-11-30T10:45:00.000Z');
  });

  it('counts the time left down to 0, never below', () => {
    const deadline = sessionDeadline(start, 45);
    expect(timeLeftMs(deadline, start)).toBe(45 * 60_000);
    expect(timeLeftMs(deadline, new Date(deadline.getTime() + 1))).toBe(0);
  });

  it('takes edits until the grace after the deadline, and not a millisecond later', () => {
    const deadline = sessionDeadline(start, 45);
    expect(sessionTakesWork(deadline, new Date(deadline.getTime() + 3_000))).toBe(true);
    expect(sessionTakesWork(deadline, new Date(deadline.getTime() + SESSION_GRACE_MS))).toBe(true);
    expect(sessionTakesWork(deadline, new Date(deadline.getTime() + SESSION_GRACE_MS + 1))).toBe(false);
  });
});

describe('stored events', () => {
  it("drop GraphQL's nulls and keep only the fields an event has", () => {
    const events = storedEvents({
      seq: 0,
      events: [
        { kind: 'INSERT', at: 5, position: 0, text: 'a', length: null },
        { kind: 'FOCUS_LOST', at: 9, position: null, text: null, length: null },
      ],
    });
    expect(events).toEqual([
      { kind: 'INSERT', at: 5, position: 0, text: 'a' },
      { kind: 'FOCUS_LOST', at: 9 },
    ]);
    expect(Object.keys(events[1]!)).toEqual(['kind', 'at']);
  });

  it('are the same batch whatever the order of their keys (as JSONB gives them back)', () => {
    expect(sameEvents([{ kind: 'DELETE', at: 1, position: 2, length: 3 }], [{ length: 3, position: 2, at: 1, kind: 'DELETE' }])).toBe(true);
    expect(sameEvents([{ kind: 'INSERT', at: 1, position: 0, text: 'a' }], [{ kind: 'INSERT', at: 1, position: 0, text: 'b' }])).toBe(
      false,
    );
  });
});

describe('the details of a refused batch', () => {
  it("name the validator's first problem, every code once, and the offending event", () => {
    const problems = validateEditBatch({
      seq: 0,
      events: [
        { kind: 'INSERT', at: 1, position: 0, text: 'a' },
        { kind: 'INSERT', at: 2, position: -1, text: 'b' },
        { kind: 'DELETE', at: 3, position: -2, length: 1 },
      ],
    });
    expect(editBatchProblemDetails(problems)).toEqual({
      problem: EditBatchProblemCode.InvalidPosition,
      problems: EditBatchProblemCode.InvalidPosition,
      eventIndex: 1,
    });
  });

  it('give a null event index for a problem of the whole batch', () => {
    const problems = validateEditBatch({ seq: -1, events: [] });
    expect(editBatchProblemDetails(problems)).toEqual({
      problem: EditBatchProblemCode.InvalidSeq,
      problems: 'EDIT_INVALID_SEQ',
      eventIndex: null,
    });
  });
});
