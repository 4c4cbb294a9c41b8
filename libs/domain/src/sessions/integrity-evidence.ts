import { CharOrigin, EditDocument, editProblem } from './edit-document';
import { missingSequences, orderedEvents, type EditBatch } from './edit-log';
import { applyEdit } from './replay';

/*
 * Integrity evidence for an AI-free session (DESIGN.md §4): what the edit log shows, for a mentor
 * to weigh next to the playback. Flags point at something worth a look; they are never a verdict.
 * Every time is the client's clock (ms since session start), even when the clock looks wrong.
 */

/** One INSERT event of at least this many characters is a burst: nobody types 30 characters in one keystroke. */
export const BURST_INSERT_CHARS = 30;
/** More than BURST_WINDOW_CHARS typed within BURST_WINDOW_MS is a burst: 200 chars/s, ten times a fast typist's peak. */
export const BURST_WINDOW_MS = 200;
export const BURST_WINDOW_CHARS = 40;
/** EXTERNAL_PASTE when at least this share of the final code came from pastes of text new to the session. */
export const EXTERNAL_PASTE_SHARE = 0.2;
/** LONG_FOCUS_LOSS when the editor was out of focus for at least this long in total (2 minutes). */
export const LONG_FOCUS_LOSS_MS = 120_000;
/** CLIENT_CLOCK_SUSPECT when an event's `at` is more than this far ahead of its batch's server receipt. */
export const CLOCK_SKEW_TOLERANCE_MS = 5_000;
/** Gaps between keystrokes longer than this are pauses (thinking, reading), not typing cadence. */
export const TYPING_PAUSE_MS = 2_000;
/** At most this many bursts are listed; `burstCount` has them all. */
export const MAX_LISTED_BURSTS = 100;

export enum IntegrityFlag {
  /** The edit log does not replay to the submitted code. */
  ReplayMismatch = 'REPLAY_MISMATCH',
  /** Some events did not fit the document when replayed (see `replayErrors`). */
  ReplayErrors = 'REPLAY_ERRORS',
  /** Batches are missing between 0 and the last seq received (see `missingBatches`). */
  MissingBatches = 'MISSING_BATCHES',
  /** At least EXTERNAL_PASTE_SHARE of the final code was pasted from outside the session. */
  ExternalPaste = 'EXTERNAL_PASTE',
  /** Large insertions without a paste event (see `bursts`). */
  InsertBursts = 'INSERT_BURSTS',
  /** The editor was out of focus for at least LONG_FOCUS_LOSS_MS in total. */
  LongFocusLoss = 'LONG_FOCUS_LOSS',
  /** Code was submitted but the log holds no INSERT, DELETE or PASTE. */
  NoEditLog = 'NO_EDIT_LOG',
  /** The client's clock went backwards or ran more than CLOCK_SKEW_TOLERANCE_MS ahead of the server's. */
  ClientClockSuspect = 'CLIENT_CLOCK_SUSPECT',
}

export interface InsertBurst {
  /** When the burst started (client clock). */
  at: number;
  /** Characters inserted by the burst's events. */
  chars: number;
  durationMs: number;
  /** LONG_INSERT: one event of ≥ BURST_INSERT_CHARS; FAST_INSERTS: > BURST_WINDOW_CHARS within BURST_WINDOW_MS. */
  reason: 'LONG_INSERT' | 'FAST_INSERTS';
}

export interface TypingCadence {
  /** Characters inserted by INSERT events (pastes excluded). */
  typedChars: number;
  /** Median gap between consecutive single-character inserts, pauses over TYPING_PAUSE_MS left out; null with fewer than two. */
  medianIntervalMs: number | null;
  /** 90th percentile (nearest rank) of the same gaps. */
  p90IntervalMs: number | null;
  /** typedChars per minute between the first and the last edit event (0 when they coincide). */
  charsPerMinute: number;
}

export interface IntegrityEvidence {
  /** The replayed log equals the submitted code exactly. */
  replayMatches: boolean;
  /**
   * How far the replay is from the submitted code: the length of the longer of the two middles left
   * after removing their common prefix and suffix. 0 exactly when they match; an upper bound of
   * the edit distance, computed in linear time.
   */
  replayDistance: number;
  replayErrors: string[];
  missingBatches: number[];
  /** PASTE events, internal or not. */
  pasteCount: number;
  /** Characters pasted from outside the session (see `integrityEvidence` for "outside"). */
  pastedChars: number;
  /** Characters pasted from text already in the session (duplicated or moved code). */
  internalPastedChars: number;
  /** Share of the replayed final code's characters that came from external pastes (0 for empty code). */
  pastedShare: number;
  bursts: InsertBurst[];
  burstCount: number;
  /** Total time between FOCUS_LOST and the next FOCUS_GAINED; an unclosed loss runs to the session's end. */
  focusLostMs: number;
  focusLosses: number;
  typing: TypingCadence;
  clock: {
    /** Events whose `at` is earlier than an event before them in replay order. */
    backwardsSteps: number;
    /** The largest `at − receivedAt` over all events (negative when the client is always behind). */
    maxAheadMs: number;
  };
  flags: IntegrityFlag[];
}

export interface IntegrityOptions {
  /** When the session ended (the submission), ms since session start; defaults to the last event's `at`. */
  endAt?: number;
}

/**
 * The integrity evidence of a session's edit log against the submitted code.
 *
 * A paste is *internal* — it does not count toward `pastedChars` and `pastedShare` — when its text
 * occurred earlier in the session: it is a substring of the document just before the paste (copying
 * code, e.g. duplicating a line) or of a text removed earlier (cutting and pasting, i.e. moving
 * code). Consecutive deletions that remove adjacent text (repeated backspace or forward delete) are
 * joined into one removed text first. Text that existed only in some older state and was then
 * removed piecemeal at scattered places is not recognised; that errs toward "external" and leaves
 * it to the mentor's playback. Each paste costs one pass over the document and the removed texts,
 * so a session with documents of 64 KiB and thousands of pastes stays well under a second.
 */
export function integrityEvidence(batches: readonly EditBatch[], submittedCode: string, options: IntegrityOptions = {}): IntegrityEvidence {
  const events = orderedEvents(batches);
  const document = new EditDocument();
  const replayErrors: string[] = [];

  let editEvents = 0;
  let firstEditAt: number | null = null;
  let lastEditAt: number | null = null;
  let latestAt = -Infinity;
  let backwardsSteps = 0;
  let maxAheadMs = -Infinity;

  let pasteCount = 0;
  let pastedChars = 0;
  let internalPastedChars = 0;
  let removedTexts = '';
  let removalRun: { position: number; text: string } | null = null;
  const closeRemovalRun = () => {
    if (removalRun !== null) removedTexts += '\u0000' + removalRun.text;
    removalRun = null;
  };

  let focusLostAt: number | null = null;
  let focusLostMs = 0;
  let focusLosses = 0;

  const inserts: Array<{ at: number; chars: number }> = [];
  const keyIntervals: number[] = [];
  let previousKeyAt: number | null = null;
  let typedChars = 0;

  for (const ordered of events) {
    const { event } = ordered;
    const at = event.at;
    if (at < latestAt) backwardsSteps++;
    latestAt = Math.max(latestAt, at);
    maxAheadMs = Math.max(maxAheadMs, at - ordered.receivedAt);

    if (event.kind === 'FOCUS_LOST') {
      if (focusLostAt === null) {
        focusLostAt = at;
        focusLosses++;
      }
      continue;
    }
    if (event.kind === 'FOCUS_GAINED') {
      if (focusLostAt !== null) focusLostMs += Math.max(0, at - focusLostAt);
      focusLostAt = null;
      continue;
    }

    editEvents++;
    firstEditAt ??= at;
    lastEditAt = at;
    if (editProblem(event, document.length) !== null) {
      applyEdit(document, ordered, replayErrors); // records the reason
      continue;
    }

    if (event.kind === 'DELETE') {
      const position = event.position!;
      const removed = applyEdit(document, ordered, replayErrors) ?? '';
      if (removalRun !== null && position + removed.length === removalRun.position) {
        removalRun = { position, text: removed + removalRun.text };
      } else if (removalRun !== null && position === removalRun.position) {
        removalRun.text += removed;
      } else {
        closeRemovalRun();
        removalRun = { position, text: removed };
      }
      continue;
    }

    closeRemovalRun();
    const text = event.text!;
    if (event.kind === 'PASTE') {
      pasteCount++;
      const internal = text.length === 0 || document.toString().includes(text) || removedTexts.includes(text);
      if (internal) internalPastedChars += text.length;
      else pastedChars += text.length;
      applyEdit(document, ordered, replayErrors, internal ? CharOrigin.InternalPaste : CharOrigin.ExternalPaste);
      continue;
    }

    applyEdit(document, ordered, replayErrors);
    inserts.push({ at, chars: text.length });
    typedChars += text.length;
    if (text.length === 1) {
      if (previousKeyAt !== null) {
        const interval = at - previousKeyAt;
        if (interval >= 0 && interval <= TYPING_PAUSE_MS) keyIntervals.push(interval);
      }
      previousKeyAt = at;
    }
  }

  const endAt = options.endAt ?? (Number.isFinite(latestAt) ? latestAt : 0);
  if (focusLostAt !== null) focusLostMs += Math.max(0, endAt - focusLostAt);

  const code = document.toString();
  const replayMatches = code === submittedCode;
  const pastedShare = code.length === 0 ? 0 : document.countOrigin(CharOrigin.ExternalPaste) / code.length;
  const allBursts = insertBursts(inserts);
  const missingBatches = missingSequences(batches.map((batch) => batch.seq));
  const editSpanMs = firstEditAt !== null && lastEditAt !== null ? lastEditAt - firstEditAt : 0;
  keyIntervals.sort((a, b) => a - b);

  const flags: IntegrityFlag[] = [];
  if (!replayMatches) flags.push(IntegrityFlag.ReplayMismatch);
  if (replayErrors.length > 0) flags.push(IntegrityFlag.ReplayErrors);
  if (missingBatches.length > 0) flags.push(IntegrityFlag.MissingBatches);
  if (code.length > 0 && pastedShare >= EXTERNAL_PASTE_SHARE) flags.push(IntegrityFlag.ExternalPaste);
  if (allBursts.length > 0) flags.push(IntegrityFlag.InsertBursts);
  if (focusLostMs >= LONG_FOCUS_LOSS_MS) flags.push(IntegrityFlag.LongFocusLoss);
  if (editEvents === 0 && submittedCode.length > 0) flags.push(IntegrityFlag.NoEditLog);
  if (backwardsSteps > 0 || maxAheadMs > CLOCK_SKEW_TOLERANCE_MS) flags.push(IntegrityFlag.ClientClockSuspect);

  return {
    replayMatches,
    replayDistance: replayDistance(code, submittedCode),
    replayErrors,
    missingBatches,
    pasteCount,
    pastedChars,
    internalPastedChars,
    pastedShare,
    bursts: allBursts.slice(0, MAX_LISTED_BURSTS),
    burstCount: allBursts.length,
    focusLostMs,
    focusLosses,
    typing: {
      typedChars,
      medianIntervalMs: keyIntervals.length === 0 ? null : nearestRank(keyIntervals, 0.5),
      p90IntervalMs: keyIntervals.length === 0 ? null : nearestRank(keyIntervals, 0.9),
      charsPerMinute: editSpanMs > 0 ? (typedChars * 60_000) / editSpanMs : 0,
    },
    clock: { backwardsSteps, maxAheadMs: Number.isFinite(maxAheadMs) ? maxAheadMs : 0 },
    flags,
  };
}

/**
 * The length of the longer of the two middles left after removing the common prefix and suffix of
 * `a` and `b`: 0 exactly when they are equal; at least the edit distance, at most the longer length.
 */
export function replayDistance(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < shorter && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return Math.max(a.length, b.length) - prefix - suffix;
}

/** Long single inserts, then runs of short inserts typed faster than BURST_WINDOW_CHARS per BURST_WINDOW_MS; ordered by time. */
function insertBursts(inserts: ReadonlyArray<{ at: number; chars: number }>): InsertBurst[] {
  const bursts: InsertBurst[] = inserts
    .filter((insert) => insert.chars >= BURST_INSERT_CHARS)
    .map((insert) => ({ at: insert.at, chars: insert.chars, durationMs: 0, reason: 'LONG_INSERT' as const }));

  const short = inserts.filter((insert) => insert.chars < BURST_INSERT_CHARS);
  const prefixChars = [0];
  for (const insert of short) prefixChars.push(prefixChars[prefixChars.length - 1] + insert.chars);
  let run: { first: number; last: number } | null = null;
  const closeRun = () => {
    if (run === null) return;
    bursts.push({
      at: short[run.first].at,
      chars: prefixChars[run.last + 1] - prefixChars[run.first],
      durationMs: short[run.last].at - short[run.first].at,
      reason: 'FAST_INSERTS',
    });
    run = null;
  };
  let first = 0;
  for (let last = 0; last < short.length; last++) {
    while (short[last].at - short[first].at > BURST_WINDOW_MS) first++;
    if (prefixChars[last + 1] - prefixChars[first] <= BURST_WINDOW_CHARS) continue;
    if (run !== null && first <= run.last) run.last = last;
    else {
      closeRun();
      run = { first, last };
    }
  }
  closeRun();
  return bursts.sort((a, b) => a.at - b.at);
}

function nearestRank(sorted: readonly number[], quantile: number): number {
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)];
}
