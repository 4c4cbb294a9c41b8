import { CharOrigin, EditDocument, editProblem } from './edit-document';
import { orderedEvents, type EditBatch, type OrderedEditEvent } from './edit-log';

export interface ReplayOutcome {
  /** The document after every applicable event. */
  code: string;
  /** One line per skipped event, e.g. `seq 3 event 5: DELETE of 4 at position 98 runs past the end of the document (length 100)`. */
  errors: string[];
}

/**
 * Applies the events in (seq, index) order to an empty document. INSERT and PASTE insert their
 * text at `position`; DELETE removes `length` units at `position`; focus events change nothing. An
 * event that does not fit the document at that point is recorded in `errors` and skipped.
 */
export function replay(batches: readonly EditBatch[]): ReplayOutcome {
  const document = new EditDocument();
  const errors: string[] = [];
  for (const ordered of orderedEvents(batches)) applyEdit(document, ordered, errors);
  return { code: document.toString(), errors };
}

/**
 * The code at each of the given times (ms since session start, client clock): the document after
 * the events up to, not including, the first event whose `at` is later than the time. Answers are
 * in the order of `atMs`.
 */
export function playback(batches: readonly EditBatch[], atMs: readonly number[]): string[] {
  const events = orderedEvents(batches);
  const document = new EditDocument();
  const ignoredErrors: string[] = [];
  const answers = new Array<string>(atMs.length);
  const byTime = atMs.map((at, index) => ({ at, index })).sort((a, b) => a.at - b.at);
  let next = 0;
  for (const { at, index } of byTime) {
    while (next < events.length && events[next].event.at <= at) applyEdit(document, events[next++], ignoredErrors);
    answers[index] = document.toString();
  }
  return answers;
}

/** Applies one event, or records why it cannot apply; returns the text a DELETE removed. */
export function applyEdit(
  document: EditDocument,
  ordered: OrderedEditEvent,
  errors: string[],
  pasteOrigin: CharOrigin = CharOrigin.ExternalPaste,
): string | null {
  const { event } = ordered;
  const problem =
    event.kind === 'FOCUS_LOST' ||
    event.kind === 'FOCUS_GAINED' ||
    event.kind === 'INSERT' ||
    event.kind === 'PASTE' ||
    event.kind === 'DELETE'
      ? editProblem(event, document.length)
      : `unknown kind ${JSON.stringify(event.kind)}`;
  if (problem !== null) {
    errors.push(`seq ${ordered.seq} event ${ordered.index}: ${problem}`);
    return null;
  }
  if (event.kind === 'INSERT') document.insert(event.position!, event.text!, CharOrigin.Typed);
  else if (event.kind === 'PASTE') document.insert(event.position!, event.text!, pasteOrigin);
  else if (event.kind === 'DELETE') return document.delete(event.position!, event.length!);
  return null;
}
