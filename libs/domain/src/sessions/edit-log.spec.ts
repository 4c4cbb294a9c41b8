import {
  EditBatchProblemCode,
  MAX_BATCH_TEXT_BYTES,
  MAX_EVENT_TEXT_BYTES,
  MAX_EVENTS_PER_BATCH,
  missingSequences,
  orderedEvents,
  utf8ByteLength,
  validateEditBatch,
  type EditBatchCandidate,
} from './edit-log';

type CandidateEvent = EditBatchCandidate['events'][number];

const codesOf = (events: CandidateEvent[], seq = 0) => validateEditBatch({ seq, events }).map((problem) => problem.code);

describe('validating an edit batch', () => {
  it('accepts a batch of well-formed events of every kind', () => {
    const problems = validateEditBatch({
      seq: 3,
      events: [
        { kind: 'INSERT', at: 10, position: 0, text: 'a' },
        { kind: 'PASTE', at: 10, position: 1, text: 'bc', length: null },
        { kind: 'DELETE', at: 12.5, position: 0, length: 1, text: null },
        { kind: 'FOCUS_LOST', at: 20 },
        { kind: 'FOCUS_GAINED', at: 30, position: null },
      ],
    });
    expect(problems).toEqual([]);
  });

  it('refuses a seq that is negative, fractional or beyond the limit', () => {
    expect(codesOf([], -1)).toEqual([EditBatchProblemCode.InvalidSeq]);
    expect(codesOf([], 1.5)).toEqual([EditBatchProblemCode.InvalidSeq]);
    expect(codesOf([], 10_000_000)).toEqual([EditBatchProblemCode.InvalidSeq]);
  });

  it('refuses more than 500 events on that alone', () => {
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => ({ kind: 'NOPE', at: -i }));
    const problems = validateEditBatch({ seq: 0, events });
    expect(problems).toEqual([{ code: EditBatchProblemCode.TooManyEvents, message: expect.stringContaining('at most 500 events') }]);
    expect(codesOf(events.slice(0, MAX_EVENTS_PER_BATCH).map((_, i) => ({ kind: 'FOCUS_LOST', at: i })))).toEqual([]);
  });

  it('refuses an event text over 64 KiB, counted in UTF-8 bytes', () => {
    expect(codesOf([{ kind: 'PASTE', at: 0, position: 0, text: 'x'.repeat(MAX_EVENT_TEXT_BYTES) }])).toEqual([]);
    expect(codesOf([{ kind: 'PASTE', at: 0, position: 0, text: 'x'.repeat(MAX_EVENT_TEXT_BYTES + 1) }])).toEqual([
      EditBatchProblemCode.EventTextTooLarge,
    ]);
    // 32,769 × 'é' is 65,538 bytes though only 32,769 code units.
    expect(codesOf([{ kind: 'PASTE', at: 0, position: 0, text: 'é'.repeat(32_769) }])).toEqual([EditBatchProblemCode.EventTextTooLarge]);
  });

  it('refuses a batch whose texts together exceed 256 KiB', () => {
    const chunk = 'y'.repeat(MAX_EVENT_TEXT_BYTES);
    const events = Array.from({ length: MAX_BATCH_TEXT_BYTES / MAX_EVENT_TEXT_BYTES }, (_, i) => ({
      kind: 'PASTE',
      at: i,
      position: 0,
      text: chunk,
    }));
    expect(codesOf(events)).toEqual([]);
    expect(codesOf([...events, { kind: 'INSERT', at: 9, position: 0, text: 'z' }])).toEqual([EditBatchProblemCode.BatchTextTooLarge]);
  });

  it('refuses an unknown kind', () => {
    const problems = validateEditBatch({ seq: 0, events: [{ kind: 'SELECT', at: 0 }] });
    expect(problems).toEqual([{ code: EditBatchProblemCode.UnknownKind, message: expect.stringContaining('"SELECT"'), eventIndex: 0 }]);
  });

  it('refuses a time that is not finite or negative', () => {
    expect(codesOf([{ kind: 'FOCUS_LOST', at: Number.NaN }])).toEqual([EditBatchProblemCode.InvalidTime]);
    expect(codesOf([{ kind: 'FOCUS_LOST', at: Number.POSITIVE_INFINITY }])).toEqual([EditBatchProblemCode.InvalidTime]);
    expect(codesOf([{ kind: 'FOCUS_LOST', at: -1 }])).toEqual([EditBatchProblemCode.InvalidTime]);
  });

  it('refuses times that go backwards within the batch, naming the event', () => {
    const problems = validateEditBatch({
      seq: 0,
      events: [
        { kind: 'INSERT', at: 100, position: 0, text: 'a' },
        { kind: 'INSERT', at: 100, position: 1, text: 'b' },
        { kind: 'INSERT', at: 99, position: 2, text: 'c' },
      ],
    });
    expect(problems).toEqual([
      { code: EditBatchProblemCode.TimeWentBackwards, message: expect.stringMatching(/^event 2: /), eventIndex: 2 },
    ]);
  });

  it('refuses negative or fractional positions and lengths', () => {
    expect(codesOf([{ kind: 'INSERT', at: 0, position: -1, text: 'a' }])).toEqual([EditBatchProblemCode.InvalidPosition]);
    expect(codesOf([{ kind: 'DELETE', at: 0, position: 0.5, length: 1 }])).toEqual([EditBatchProblemCode.InvalidPosition]);
    expect(codesOf([{ kind: 'DELETE', at: 0, position: 0, length: -2 }])).toEqual([EditBatchProblemCode.InvalidLength]);
  });

  it('refuses an edit without the fields its kind needs', () => {
    expect(codesOf([{ kind: 'INSERT', at: 0, text: 'a' }])).toEqual([EditBatchProblemCode.MissingField]);
    expect(codesOf([{ kind: 'PASTE', at: 0, position: 0, text: null }])).toEqual([EditBatchProblemCode.MissingField]);
    expect(codesOf([{ kind: 'DELETE', at: 0, position: 3 }])).toEqual([EditBatchProblemCode.MissingField]);
  });

  it('refuses fields a kind does not carry', () => {
    expect(codesOf([{ kind: 'FOCUS_LOST', at: 0, position: 0 }])).toEqual([EditBatchProblemCode.UnexpectedField]);
    expect(codesOf([{ kind: 'FOCUS_GAINED', at: 0, text: '' }])).toEqual([EditBatchProblemCode.UnexpectedField]);
    expect(codesOf([{ kind: 'DELETE', at: 0, position: 0, length: 1, text: 'a' }])).toEqual([EditBatchProblemCode.UnexpectedField]);
    expect(codesOf([{ kind: 'INSERT', at: 0, position: 0, text: 'a', length: 1 }])).toEqual([EditBatchProblemCode.UnexpectedField]);
  });

  it('takes custom limits', () => {
    const events = [
      { kind: 'INSERT', at: 0, position: 0, text: 'abc' },
      { kind: 'INSERT', at: 1, position: 3, text: 'def' },
    ];
    const limits = { maxEventsPerBatch: 1, maxEventTextBytes: 2, maxBatchTextBytes: 5 };
    expect(validateEditBatch({ seq: 0, events }, limits).map((p) => p.code)).toEqual([EditBatchProblemCode.TooManyEvents]);
    expect(validateEditBatch({ seq: 0, events }, { ...limits, maxEventsPerBatch: 2 }).map((p) => p.code)).toEqual([
      EditBatchProblemCode.EventTextTooLarge,
      EditBatchProblemCode.EventTextTooLarge,
      EditBatchProblemCode.BatchTextTooLarge,
    ]);
  });

  it('counts UTF-8 bytes of ASCII, two- and three-byte characters, surrogate pairs and lone surrogates', () => {
    expect(utf8ByteLength('a')).toBe(1);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('\ud800x')).toBe(4);
    const sample = 'héllo € 😀 wörld';
    expect(utf8ByteLength(sample)).toBe(Buffer.byteLength(sample, 'utf8'));
  });
});

describe('missing sequences', () => {
  it('lists the gaps below the highest seq received', () => {
    expect(missingSequences([0, 1, 4, 2, 7])).toEqual([3, 5, 6]);
  });

  it('is empty for a complete, duplicated or reordered run', () => {
    expect(missingSequences([2, 0, 1, 1, 2])).toEqual([]);
    expect(missingSequences([])).toEqual([]);
  });

  it('reports seq 0 missing when the first batch never arrived', () => {
    expect(missingSequences([1])).toEqual([0]);
  });
});

describe('ordering the events of a log', () => {
  it('orders by seq, then by index, and keeps the first of two batches with the same seq', () => {
    const ordered = orderedEvents([
      { seq: 1, receivedAt: 50, events: [{ kind: 'FOCUS_LOST', at: 30 }] },
      {
        seq: 0,
        receivedAt: 20,
        events: [
          { kind: 'INSERT', at: 1, position: 0, text: 'a' },
          { kind: 'FOCUS_GAINED', at: 2 },
        ],
      },
      { seq: 1, receivedAt: 60, events: [{ kind: 'INSERT', at: 40, position: 0, text: 'dup' }] },
    ]);
    expect(ordered.map(({ seq, index, event }) => [seq, index, event.kind])).toEqual([
      [0, 0, 'INSERT'],
      [0, 1, 'FOCUS_GAINED'],
      [1, 0, 'FOCUS_LOST'],
    ]);
  });
});
