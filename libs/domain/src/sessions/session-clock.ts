import { canonicalJson } from '../canonical-json';
import type { EditBatchCandidate, EditBatchProblem, EditEvent, EditKind } from './edit-log';

/**
 * Edits and submissions are accepted until this long after the deadline: what the client sent
 * just before the deadline may arrive a moment later (network, retries).
 */
export const SESSION_GRACE_MS = 5_000;

/** The most times one sessionPlayback call may ask for. */
export const MAX_PLAYBACK_TIMES = 100;

/** When a session started now on a challenge with this time limit ends. */
export function sessionDeadline(startedAt: Date, timeLimitMinutes: number): Date {
  return new Date(startedAt.getTime() + timeLimitMinutes * 60_000);
}

/** Milliseconds left before the deadline (never negative). */
export function timeLeftMs(deadline: Date, now: Date): number {
  return Math.max(0, deadline.getTime() - now.getTime());
}

/**
 * True while the session still takes edits and submissions: up to and including deadline +
 * SESSION_GRACE_MS (the grace covers network delay only; it is the same for both).
 */
export function sessionTakesWork(deadline: Date, now: Date): boolean {
  return now.getTime() <= deadline.getTime() + SESSION_GRACE_MS;
}

/**
 * The events of a batch that `validateEditBatch` accepted, as stored: only the fields the event
 * has (GraphQL's nulls dropped), in a fixed key order.
 */
export function storedEvents(batch: EditBatchCandidate): EditEvent[] {
  return batch.events.map((event) => {
    const stored: EditEvent = { kind: event.kind as EditKind, at: event.at };
    if (event.position != null) stored.position = event.position;
    if (event.text != null) stored.text = event.text;
    if (event.length != null) stored.length = event.length;
    return stored;
  });
}

/** Whether two stored event lists are the same batch (a resend), whatever their keys' order. */
export function sameEvents(a: readonly EditEvent[], b: readonly EditEvent[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** The details of an EDIT_BATCH_INVALID error: the validator's codes, client-safe. */
export function editBatchProblemDetails(problems: readonly EditBatchProblem[]): Record<string, string | number | null> {
  return {
    problem: problems[0]!.code,
    problems: [...new Set(problems.map((p) => p.code))].join(','),
    eventIndex: problems[0]!.eventIndex ?? null,
  };
}
