import { JOURNAL_EDIT_WINDOW_MS, JOURNAL_LIMITS, journalEditable, validateJournalEntry, type JournalEntryInput } from './journal-rules';
import { ProgressError, ProgressErrorCode } from './progress-errors';

/** A valid entry; each test changes one thing. */
function entry(overrides: Partial<JournalEntryInput> = {}): JournalEntryInput {
  return {
    tried: 'Fused the two linear layers',
    failed: 'Parity broke at fp16',
    learned: 'Accumulate in fp32',
    minutes: 45,
    links: ['https://example.com/notes'],
    ...overrides,
  };
}

/** The error `validateJournalEntry` throws for `input`, as code and details (null when it accepts it). */
function refusal(input: JournalEntryInput): { code: ProgressErrorCode; details: Record<string, unknown> } | null {
  try {
    validateJournalEntry(input);
    return null;
  } catch (error) {
    if (!(error instanceof ProgressError)) throw error;
    return { code: error.code, details: { ...error.details } };
  }
}

const tooLarge = (field: string, limit: number) => ({ code: ProgressErrorCode.JournalEntryTooLarge, details: { field, limit } });
const invalid = (field: string) => ({ code: ProgressErrorCode.JournalEntryInvalid, details: { field } });

describe('journal entry rules', () => {
  it.each(['tried', 'failed', 'learned'] as const)('accepts %s at the size limit and refuses one character more', (field) => {
    expect(refusal(entry({ [field]: 'x'.repeat(JOURNAL_LIMITS.text) }))).toBeNull();
    expect(refusal(entry({ [field]: 'x'.repeat(JOURNAL_LIMITS.text + 1) }))).toEqual(tooLarge(field, JOURNAL_LIMITS.text));
  });

  it('checks sizes before anything else, so an oversized entry is reported as too large even when also invalid', () => {
    expect(refusal(entry({ learned: 'x'.repeat(JOURNAL_LIMITS.text + 1), minutes: 0, tried: ' ' }))).toEqual(
      tooLarge('learned', JOURNAL_LIMITS.text),
    );
    expect(refusal(entry({ links: Array(JOURNAL_LIMITS.links + 1).fill('javascript:alert(1)') }))).toEqual(
      tooLarge('links', JOURNAL_LIMITS.links),
    );
  });

  it.each([
    [0, false],
    [1, true],
    [JOURNAL_LIMITS.minutes, true],
    [JOURNAL_LIMITS.minutes + 1, false],
    [1.5, false],
    [-5, false],
    [Number.NaN, false],
  ])('minutes %p is accepted: %p', (minutes, accepted) => {
    expect(refusal(entry({ minutes }))).toEqual(accepted ? null : invalid('minutes'));
  });

  it('accepts up to 5 links of up to 500 characters, and refuses a sixth or a longer one as too large', () => {
    const links = Array.from({ length: JOURNAL_LIMITS.links }, (_, i) => `https://example.com/${i}`);
    expect(refusal(entry({ links }))).toBeNull();
    expect(refusal(entry({ links: [...links, 'https://example.com/6'] }))).toEqual(tooLarge('links', JOURNAL_LIMITS.links));

    const prefix = 'https://example.com/';
    const atLimit = prefix + 'a'.repeat(JOURNAL_LIMITS.linkLength - prefix.length);
    expect(atLimit).toHaveLength(JOURNAL_LIMITS.linkLength);
    expect(refusal(entry({ links: [atLimit] }))).toBeNull();
    expect(refusal(entry({ links: [atLimit + 'a'] }))).toEqual(tooLarge('links', JOURNAL_LIMITS.linkLength));
  });

  it.each(['javascript:alert(1)', 'ftp://example.com/file', 'mailto:ada@example.com', 'data:text/html,hi', 'example.com/no-scheme', ''])(
    'refuses the link %p: only http(s) links',
    (link) => {
      expect(refusal(entry({ links: [link] }))).toEqual(invalid('links'));
    },
  );

  it('accepts http and https links, trimmed', () => {
    expect(validateJournalEntry(entry({ links: ['http://example.com/a', '  https://example.com/b  '] })).links).toEqual([
      'http://example.com/a',
      'https://example.com/b',
    ]);
  });

  it('needs something tried and something learned; blank text counts as missing', () => {
    expect(refusal(entry({ tried: '' }))).toEqual(invalid('tried'));
    expect(refusal(entry({ tried: ' \n\t ' }))).toEqual(invalid('tried'));
    expect(refusal(entry({ learned: '   ' }))).toEqual(invalid('learned'));
  });

  it('returns the entry trimmed, with no failure and no links when none were given', () => {
    expect(validateJournalEntry({ tried: '  a  ', learned: ' b ', minutes: 1 })).toEqual({
      tried: 'a',
      failed: null,
      learned: 'b',
      minutes: 1,
      links: [],
    });
    expect(validateJournalEntry(entry({ failed: '   ', links: null })).failed).toBeNull();
    expect(validateJournalEntry(entry({ failed: ' it crashed ' })).failed).toBe('it crashed');
  });

  it('keeps an entry editable for exactly 24 hours after it was written, then closes it', () => {
    const written = new Date('2026-11-29T23:59:00.000Z');
    expect(JOURNAL_EDIT_WINDOW_MS).toBe(24 * 60 * 60 * 1000);
    expect(journalEditable(written, written)).toBe(true);
    expect(journalEditable(written, new Date(written.getTime() + JOURNAL_EDIT_WINDOW_MS))).toBe(true);
    expect(journalEditable(written, new Date(written.getTime() + JOURNAL_EDIT_WINDOW_MS + 1))).toBe(false);
  });
});
