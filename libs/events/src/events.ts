import { z } from 'zod';

/**
 * Events carried between processes over PostgreSQL NOTIFY. Payloads name rows and say what
 * changed (ids, status, small numbers): NOTIFY refuses payloads of 8000 bytes or more, and a
 * subscriber that needs more re-reads the row from the database.
 *
 * Unknown fields are stripped, not refused, so a replica one release behind still understands
 * events from a newer one during a rolling deploy.
 */
const id = z.string().min(1).max(64);
const timestamp = z.iso.datetime({ offset: true });

export const SUBMISSION_STATUSES = ['QUEUED', 'RUNNING', 'SCORED', 'REJECTED', 'FAILED'] as const;

/** A submission changed status or reported progress (scorer → subscribers of that submission). */
export const submissionEventSchema = z.object({
  topic: z.literal('submission'),
  submissionId: id,
  userId: id,
  status: z.enum(SUBMISSION_STATUSES),
  /** What the scorer is doing while RUNNING (e.g. "parity"); null otherwise. */
  phase: z.string().max(64).nullable(),
  /** How far the current run is, 0–1 (as `Submission.progress`); null when unknown. */
  progress: z.number().min(0).max(1).nullable(),
  at: timestamp,
});

export const REVIEW_STATES = ['PENDING', 'CLAIMED', 'CHANGES_REQUESTED', 'APPROVED', 'ABANDONED'] as const;

/** A review changed: claimed, released, commented on, decided, resubmitted, expired (→ subscribers of that review). */
export const reviewEventSchema = z.object({
  topic: z.literal('review'),
  reviewId: id,
  learnerId: id,
  state: z.enum(REVIEW_STATES),
  at: timestamp,
});

/** Most ids each list of a leaderboard event holds (3 × 60 UUIDs stay under NOTIFY's 8000 bytes); a larger change says `everything`. */
export const LEADERBOARD_EVENT_MAX_IDS = 60;

/**
 * Standings changed (a result, an approval, a hide, a team move, a recompute): the challenge boards
 * and the learners and teams whose rows changed. `everything`: too much to list, every board may
 * have changed (subscribers re-read their boards).
 */
export const leaderboardEventSchema = z.object({
  topic: z.literal('leaderboard'),
  challengeIds: z.array(id).max(LEADERBOARD_EVENT_MAX_IDS),
  userIds: z.array(id).max(LEADERBOARD_EVENT_MAX_IDS),
  teamIds: z.array(id).max(LEADERBOARD_EVENT_MAX_IDS),
  everything: z.boolean(),
  at: timestamp,
});

/** A learner's progress may have changed (a result, an approval, a journal entry): their subscribers re-read it. */
export const progressEventSchema = z.object({
  topic: z.literal('progress'),
  userId: id,
  at: timestamp,
});

/**
 * Every event the platform publishes, discriminated by `topic`. Adding a topic: define its
 * schema above and add it to this list (the type, validation and `Topic` follow).
 */
export const platformEventSchema = z.discriminatedUnion('topic', [
  submissionEventSchema,
  reviewEventSchema,
  leaderboardEventSchema,
  progressEventSchema,
]);

export type PlatformEvent = z.infer<typeof platformEventSchema>;
export type Topic = PlatformEvent['topic'];
/** The event of one topic: `EventOf<'submission'>`. */
export type EventOf<T extends Topic> = Extract<PlatformEvent, { topic: T }>;
export type SubmissionEvent = EventOf<'submission'>;
export type ReviewEvent = EventOf<'review'>;
export type LeaderboardEvent = EventOf<'leaderboard'>;
export type ProgressEvent = EventOf<'progress'>;

/** The event announcing that a learner's progress may have changed. */
export function progressEvent(userId: string, at: Date = new Date()): ProgressEvent {
  return { topic: 'progress', userId, at: at.toISOString() };
}

/**
 * The event announcing a change of standings (what a write's leaderboard upkeep returned), or null
 * when nothing changed. More than LEADERBOARD_EVENT_MAX_IDS ids of a kind: `everything`.
 */
export function leaderboardEvent(
  change: { challengeIds: readonly string[]; userIds: readonly string[]; teamIds: readonly string[]; everything?: boolean },
  at: Date = new Date(),
): LeaderboardEvent | null {
  const lists = [change.challengeIds, change.userIds, change.teamIds];
  const everything = change.everything === true || lists.some((list) => list.length > LEADERBOARD_EVENT_MAX_IDS);
  if (!everything && lists.every((list) => list.length === 0)) return null;
  return {
    topic: 'leaderboard',
    challengeIds: everything ? [] : [...change.challengeIds],
    userIds: everything ? [] : [...change.userIds],
    teamIds: everything ? [] : [...change.teamIds],
    everything,
    at: at.toISOString(),
  };
}

/** The event announcing that a review changed (subscribers re-read it). */
export function reviewEvent(review: { id: string; learnerId: string; state: ReviewEvent['state'] }, at: Date = new Date()): ReviewEvent {
  return { topic: 'review', reviewId: review.id, learnerId: review.learnerId, state: review.state, at: at.toISOString() };
}

/**
 * The event announcing a submission's current state, from its row (or the record a repository
 * returned). Phase and progress are brought into the event's bounds, so a scorer reporting
 * 1.0000001 cannot make the publish, and with it the transaction that saved the change, fail.
 */
export function submissionEvent(
  submission: { id: string; userId: string; status: SubmissionEvent['status']; phase: string | null; progress: number | null },
  at: Date = new Date(),
): SubmissionEvent {
  const progress = submission.progress === null || Number.isNaN(submission.progress) ? null : Math.min(1, Math.max(0, submission.progress));
  return {
    topic: 'submission',
    submissionId: submission.id,
    userId: submission.userId,
    status: submission.status,
    phase: submission.phase === null ? null : submission.phase.slice(0, 64),
    progress,
    at: at.toISOString(),
  };
}

/**
 * Said by the bus itself, never sent over the channel: the listening connection was lost and is
 * back, so events published in between may have been missed. Subscribers re-read what they follow.
 */
export interface BusSignal {
  topic: 'bus';
  state: 'reconnected';
  at: string;
}

/** What callbacks (and iterators that ask for signals) receive. */
export type BusMessage = PlatformEvent | BusSignal;

/** The PostgreSQL channel every event travels on. */
export const EVENTS_CHANNEL = 'proving_events';

/** NOTIFY's limit: the payload must be shorter than 8000 bytes (in the server encoding, UTF-8 here). */
export const MAX_PAYLOAD_BYTES = 7_999;

export type ParsedPayload = { ok: true; event: PlatformEvent } | { ok: false; reason: string };

/** Parses and validates a payload received on the channel; never throws. */
export function parseEventPayload(payload: string | undefined): ParsedPayload {
  if (payload === undefined || payload === '') return { ok: false, reason: 'empty payload' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = platformEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'payload'}: ${issue.message}` };
  }
  return { ok: true, event: parsed.data };
}
