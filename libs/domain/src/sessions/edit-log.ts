/**
 * The edit log of an AI-free session (DESIGN.md §3–4, API.md `EditBatchInput`): batches of editor
 * events with sequence numbers, checked here before they are stored.
 *
 * Positions and lengths count UTF-16 code units (JavaScript string indices), which is what browser
 * editors (CodeMirror, Monaco) report as offsets.
 */
export type EditKind = 'INSERT' | 'DELETE' | 'PASTE' | 'FOCUS_LOST' | 'FOCUS_GAINED';

export const EDIT_KINDS: readonly EditKind[] = ['INSERT', 'DELETE', 'PASTE', 'FOCUS_LOST', 'FOCUS_GAINED'];

/** One editor event (API.md `EditEventInput`). */
export interface EditEvent {
  kind: EditKind;
  /** Milliseconds since the session started, by the client's clock. */
  at: number;
  /** INSERT, PASTE, DELETE: offset in the document before the event. */
  position?: number;
  /** INSERT, PASTE: the inserted text. */
  text?: string;
  /** DELETE: how many code units are removed from `position` on. */
  length?: number;
}

/** A stored batch: `receivedAt` is the server's clock, in milliseconds since the session started. */
export interface EditBatch {
  seq: number;
  events: readonly EditEvent[];
  receivedAt: number;
}

/** A batch as the API receives it: GraphQL gives `null` for absent optional fields and any string for an enum it did not check. */
export interface EditBatchCandidate {
  seq: number;
  events: ReadonlyArray<{
    kind: string;
    at: number;
    position?: number | null;
    text?: string | null;
    length?: number | null;
  }>;
}

export interface EditBatchLimits {
  /** Events in one batch. */
  maxEventsPerBatch: number;
  /** UTF-8 bytes of one event's text. */
  maxEventTextBytes: number;
  /** UTF-8 bytes of all texts of one batch. */
  maxBatchTextBytes: number;
}

export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_EVENT_TEXT_BYTES = 64 * 1024;
export const MAX_BATCH_TEXT_BYTES = 256 * 1024;
/** The largest seq accepted: 100,000 batches of 500 events is far beyond any session, and it bounds `missingSequences`. */
export const MAX_SEQ = 100_000;

/**
 * The most a session's stored edit log may hold, as JSON: a fast typist's hour is ~3 MB (36,000
 * one-character events), so 16 MiB leaves room for hundreds of large pastes while one session
 * cannot fill the database (100,000 batches of 256 KiB would be 25 GB).
 */
export const MAX_SESSION_LOG_BYTES = 16 * 1024 * 1024;

export const EDIT_BATCH_LIMITS: Readonly<EditBatchLimits> = Object.freeze({
  maxEventsPerBatch: MAX_EVENTS_PER_BATCH,
  maxEventTextBytes: MAX_EVENT_TEXT_BYTES,
  maxBatchTextBytes: MAX_BATCH_TEXT_BYTES,
});

/** Why a batch is refused; the API answers BAD_USER_INPUT with the first problem's message. */
export enum EditBatchProblemCode {
  /** `seq` is not an integer from 0 to MAX_SEQ. */
  InvalidSeq = 'EDIT_INVALID_SEQ',
  /** More events than `maxEventsPerBatch`; the client should send smaller batches. */
  TooManyEvents = 'EDIT_TOO_MANY_EVENTS',
  /** One event's text is larger than `maxEventTextBytes`. */
  EventTextTooLarge = 'EDIT_EVENT_TEXT_TOO_LARGE',
  /** The texts of the batch together are larger than `maxBatchTextBytes`. */
  BatchTextTooLarge = 'EDIT_BATCH_TEXT_TOO_LARGE',
  /** `kind` is not one of INSERT, DELETE, PASTE, FOCUS_LOST, FOCUS_GAINED. */
  UnknownKind = 'EDIT_UNKNOWN_KIND',
  /** `at` is not a finite, non-negative number. */
  InvalidTime = 'EDIT_INVALID_TIME',
  /** `at` is smaller than the previous event's in the same batch. */
  TimeWentBackwards = 'EDIT_TIME_WENT_BACKWARDS',
  /** `position` is not a non-negative integer. */
  InvalidPosition = 'EDIT_INVALID_POSITION',
  /** `length` is not a non-negative integer. */
  InvalidLength = 'EDIT_INVALID_LENGTH',
  /** A field the event's kind needs is absent (INSERT/PASTE: position and text; DELETE: position and length). */
  MissingField = 'EDIT_MISSING_FIELD',
  /** A field the event's kind does not carry is present (e.g. text on a DELETE, anything on a focus event). */
  UnexpectedField = 'EDIT_UNEXPECTED_FIELD',
}

export interface EditBatchProblem {
  code: EditBatchProblemCode;
  message: string;
  /** The offending event's index in the batch, when the problem is one event's. */
  eventIndex?: number;
}

const FIELDS_BY_KIND: Record<EditKind, { needs: readonly FieldName[]; allows: readonly FieldName[] }> = {
  INSERT: { needs: ['position', 'text'], allows: ['position', 'text'] },
  PASTE: { needs: ['position', 'text'], allows: ['position', 'text'] },
  DELETE: { needs: ['position', 'length'], allows: ['position', 'length'] },
  FOCUS_LOST: { needs: [], allows: [] },
  FOCUS_GAINED: { needs: [], allows: [] },
};
type FieldName = 'position' | 'text' | 'length';
const FIELD_NAMES: readonly FieldName[] = ['position', 'text', 'length'];

export function isEditKind(kind: string): kind is EditKind {
  return (EDIT_KINDS as readonly string[]).includes(kind);
}

/** UTF-8 size of a string without allocating an encoded copy (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Every problem of a batch, in event order (empty when the batch may be stored). A batch with too
 * many events is refused on that alone, without looking at its events.
 */
export function validateEditBatch(batch: EditBatchCandidate, limits: EditBatchLimits = EDIT_BATCH_LIMITS): EditBatchProblem[] {
  const problems: EditBatchProblem[] = [];
  if (!isNonNegativeInteger(batch.seq) || batch.seq > MAX_SEQ) {
    problems.push({
      code: EditBatchProblemCode.InvalidSeq,
      message: `seq must be an integer from 0 to ${MAX_SEQ}, got ${String(batch.seq)}`,
    });
  }
  if (batch.events.length > limits.maxEventsPerBatch) {
    problems.push({
      code: EditBatchProblemCode.TooManyEvents,
      message: `a batch holds at most ${limits.maxEventsPerBatch} events, got ${batch.events.length}; send smaller batches`,
    });
    return problems;
  }

  let batchTextBytes = 0;
  let previousAt = -Infinity;
  batch.events.forEach((event, eventIndex) => {
    const problem = (code: EditBatchProblemCode, message: string) =>
      problems.push({ code, message: `event ${eventIndex}: ${message}`, eventIndex });

    if (typeof event.at !== 'number' || !Number.isFinite(event.at) || event.at < 0) {
      problem(EditBatchProblemCode.InvalidTime, `at must be a finite number of milliseconds ≥ 0, got ${String(event.at)}`);
    } else {
      if (event.at < previousAt) {
        problem(EditBatchProblemCode.TimeWentBackwards, `at ${event.at} is before the previous event's ${previousAt}`);
      }
      previousAt = Math.max(previousAt, event.at);
    }

    if (event.text != null) {
      const textBytes = utf8ByteLength(event.text);
      batchTextBytes += textBytes;
      if (textBytes > limits.maxEventTextBytes) {
        problem(EditBatchProblemCode.EventTextTooLarge, `text is ${textBytes} bytes; at most ${limits.maxEventTextBytes} per event`);
      }
    }

    if (!isEditKind(event.kind)) {
      problem(EditBatchProblemCode.UnknownKind, `kind must be one of ${EDIT_KINDS.join(', ')}, got ${JSON.stringify(event.kind)}`);
      return;
    }
    const { needs, allows } = FIELDS_BY_KIND[event.kind];
    for (const field of FIELD_NAMES) {
      const present = event[field] != null;
      if (!present && needs.includes(field)) problem(EditBatchProblemCode.MissingField, `${event.kind} needs ${field}`);
      if (present && !allows.includes(field)) problem(EditBatchProblemCode.UnexpectedField, `${event.kind} carries no ${field}`);
    }
    if (event.position != null && !isNonNegativeInteger(event.position)) {
      problem(EditBatchProblemCode.InvalidPosition, `position must be a non-negative integer, got ${String(event.position)}`);
    }
    if (event.length != null && !isNonNegativeInteger(event.length)) {
      problem(EditBatchProblemCode.InvalidLength, `length must be a non-negative integer, got ${String(event.length)}`);
    }
  });

  if (batchTextBytes > limits.maxBatchTextBytes) {
    problems.push({
      code: EditBatchProblemCode.BatchTextTooLarge,
      message: `the batch's texts are ${batchTextBytes} bytes; at most ${limits.maxBatchTextBytes} per batch`,
    });
  }
  return problems;
}

/**
 * The sequence numbers in 0..max(received) that have not arrived, ascending (the API's
 * `EditAck.missing`). Duplicates and out-of-order arrivals are fine: batches are idempotent by seq.
 */
export function missingSequences(received: readonly number[]): number[] {
  const seen = new Set<number>();
  let max = -1;
  for (const seq of received) {
    if (!isNonNegativeInteger(seq)) continue;
    seen.add(seq);
    if (seq > max) max = seq;
  }
  const missing: number[] = [];
  for (let seq = 0; seq <= max; seq++) if (!seen.has(seq)) missing.push(seq);
  return missing;
}

/** An event with where it came from, in replay order. */
export interface OrderedEditEvent {
  event: EditEvent;
  seq: number;
  index: number;
  /** The server's receipt time of the event's batch. */
  receivedAt: number;
}

/**
 * The events in (seq, index) order. A seq that occurs twice counts once (the first batch given
 * wins): the API stores a re-sent batch only once.
 */
export function orderedEvents(batches: readonly EditBatch[]): OrderedEditEvent[] {
  const bySeq = new Map<number, EditBatch>();
  for (const batch of batches) if (!bySeq.has(batch.seq)) bySeq.set(batch.seq, batch);
  const ordered: OrderedEditEvent[] = [];
  for (const seq of [...bySeq.keys()].sort((a, b) => a - b)) {
    const batch = bySeq.get(seq)!;
    batch.events.forEach((event, index) => ordered.push({ event, seq, index, receivedAt: batch.receivedAt }));
  }
  return ordered;
}
