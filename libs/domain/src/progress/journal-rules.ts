import { ProgressError, ProgressErrorCode } from './progress-errors';

/** Journal entries are short (docs/progress.md). */
export const JOURNAL_LIMITS = {
  /** Characters of `tried`, `failed` and `learned` each. */
  text: 2_000,
  /** Minutes spent: 1 to a day. */
  minutes: 1_440,
  links: 5,
  linkLength: 500,
} as const;

/** An entry can be edited for this long after it was written; then it is kept as written. */
export const JOURNAL_EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface JournalEntryInput {
  tried: string;
  failed?: string | null;
  learned: string;
  minutes: number;
  links?: readonly string[] | null;
}

export interface ValidJournalEntry {
  tried: string;
  failed: string | null;
  learned: string;
  minutes: number;
  links: string[];
}

/**
 * Checks an entry and returns it trimmed. Sizes are checked before anything else is looked at.
 * @throws ProgressError JOURNAL_ENTRY_TOO_LARGE, JOURNAL_ENTRY_INVALID (`details.field` names the field)
 */
export function validateJournalEntry(input: JournalEntryInput): ValidJournalEntry {
  const links = input.links ?? [];
  const tooLarge = (field: string, limit: number) =>
    new ProgressError(ProgressErrorCode.JournalEntryTooLarge, `${field} is longer than ${limit}`, { field, limit });
  const invalid = (field: string, message: string) => new ProgressError(ProgressErrorCode.JournalEntryInvalid, message, { field });
  for (const field of ['tried', 'failed', 'learned'] as const) {
    const value = input[field];
    if (typeof value === 'string' && value.length > JOURNAL_LIMITS.text) throw tooLarge(field, JOURNAL_LIMITS.text);
  }
  if (links.length > JOURNAL_LIMITS.links) throw tooLarge('links', JOURNAL_LIMITS.links);
  for (const link of links) if (link.length > JOURNAL_LIMITS.linkLength) throw tooLarge('links', JOURNAL_LIMITS.linkLength);

  const tried = input.tried.trim();
  const learned = input.learned.trim();
  const failed = input.failed?.trim() || null;
  if (!tried) throw invalid('tried', 'say what you tried');
  if (!learned) throw invalid('learned', 'say what you learned');
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > JOURNAL_LIMITS.minutes) {
    throw invalid('minutes', `minutes is a whole number from 1 to ${JOURNAL_LIMITS.minutes}`);
  }
  const cleanLinks = links.map((link) => link.trim());
  for (const link of cleanLinks) {
    let url: URL | null;
    try {
      url = new URL(link);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      throw invalid('links', `"${link.slice(0, 80)}" is not an http(s) link`);
  }
  return { tried, failed, learned, minutes: input.minutes, links: cleanLinks };
}

/** Whether an entry written at `createdAt` can still be edited at `now`. */
export function journalEditable(createdAt: Date, now: Date): boolean {
  return now.getTime() - createdAt.getTime() <= JOURNAL_EDIT_WINDOW_MS;
}
