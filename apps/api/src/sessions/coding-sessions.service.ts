import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AttemptRepository,
  ChallengeRepository,
  CodingSessionRepository,
  TransactionRunner,
  type ChallengeRecord,
  type CodingSessionRecord,
  type EditBatchRecord,
  type SubmissionRecord,
} from '@app/db';
import {
  sessionTakesWork,
  CommonErrorCode,
  DomainError,
  editBatchProblemDetails,
  MAX_PLAYBACK_TIMES,
  MAX_SESSION_LOG_BYTES,
  missingSequences,
  Operation,
  playback,
  sameEvents,
  SESSION_GRACE_MS,
  sessionDeadline,
  SessionError,
  SessionErrorCode,
  storedEvents,
  validateEditBatch,
  type EditBatchCandidate,
  type EditEvent,
  isUuid,
  validateSubmittedCode,
} from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { Clock } from '../clock/clock';
import { SubmissionsService } from '../submissions/submissions.service';

export interface SessionSpecView {
  timeLimitMinutes: number;
  entryPoint: string;
  signature: string;
  examples: string[];
}

/** A session with the challenge version it is on. */
export interface SessionView {
  session: CodingSessionRecord;
  challenge: ChallengeRecord;
  spec: SessionSpecView;
}

export interface EditAckView {
  sessionId: string;
  seq: number;
  missing: number[];
  duplicate: boolean;
}

@Injectable()
export class CodingSessionsService {
  constructor(
    private readonly sessions: CodingSessionRepository,
    private readonly challenges: ChallengeRepository,
    private readonly attempts: AttemptRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
    private readonly submissions: SubmissionsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts the clock on an AI-free challenge: the caller's attempt at its current version (created
   * as startAttempt would), and a session on it with deadline = now + timeLimitMinutes. While the
   * attempt's latest session is open (deadline not passed) that one is answered instead, so
   * starting again never resets the clock.
   * @throws UNAUTHENTICATED, NOT_FOUND, CONFLICT (retired), WRONG_CHALLENGE_KIND
   */
  async start(caller: Caller, slug: string, now = this.clock.now()): Promise<SessionView> {
    const actor = this.authorization.authorize(caller, Operation.StartSession);
    const challenge = await this.challenges.findBySlug(slug);
    if (!challenge) throw new DomainError(CommonErrorCode.NotFound, `no challenge "${slug}"`);
    if (challenge.kind !== 'AI_FREE_SESSION') {
      throw new SessionError(
        SessionErrorCode.WrongChallengeKind,
        `${slug} is a ${challenge.kind} challenge; only AI_FREE_SESSION challenges have timed sessions (use startAttempt)`,
      );
    }
    if (challenge.retiredAt) throw new DomainError(CommonErrorCode.Conflict, `challenge "${slug}" is retired and takes no new sessions`);
    const spec = sessionSpecOf(challenge);
    const attempt = await this.attempts.findOrCreate({
      userId: actor.userId,
      challengeId: challenge.id,
      challengeVersion: challenge.version,
      secretSeed: randomBytes(32).toString('hex'),
    });
    const session = await this.transactions.run(async (tx) => {
      await this.sessions.lockAttempt(attempt.id, tx);
      const latest = await this.sessions.latestOfAttempt(attempt.id, tx);
      if (latest && latest.deadline.getTime() > now.getTime()) return latest;
      return this.sessions.create(
        {
          attemptId: attempt.id,
          userId: actor.userId,
          challengeId: challenge.id,
          startedAt: now,
          deadline: sessionDeadline(now, spec.timeLimitMinutes),
        },
        tx,
      );
    });
    return { session, challenge, spec };
  }

  /** A session, to its learner and admins. @throws UNAUTHENTICATED, NOT_FOUND, FORBIDDEN */
  async byId(caller: Caller, id: string): Promise<SessionView> {
    const session = await this.find(caller, id, Operation.ViewSession);
    return this.view(session);
  }

  /**
   * Stores one batch of the edit log, once per seq: a resend of the same events answers
   * `duplicate: true` (even after the deadline, so a client whose ack was lost can retry), other
   * events under a stored seq are refused. New batches are taken until the deadline plus
   * SESSION_GRACE_MS. Answers the seqs still missing.
   * @throws UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, EDIT_BATCH_INVALID, EDIT_BATCH_CONFLICT, EDIT_LOG_FULL, SESSION_EXPIRED
   */
  async recordEdits(caller: Caller, input: EditBatchCandidate & { sessionId: string }, now = this.clock.now()): Promise<EditAckView> {
    const session = await this.find(caller, input.sessionId, Operation.RecordEdits);
    const problems = validateEditBatch(input);
    if (problems.length > 0) {
      throw new SessionError(SessionErrorCode.EditBatchInvalid, problems[0]!.message, editBatchProblemDetails(problems));
    }
    const events = storedEvents(input);
    const ack = async (duplicate: boolean): Promise<EditAckView> => ({
      sessionId: session.id,
      seq: input.seq,
      missing: missingSequences(await this.sessions.storedSeqs(session.id)),
      duplicate,
    });

    const existing = await this.sessions.findBatch(session.id, input.seq);
    if (existing) return ack(this.isResend(existing, events, input.seq));
    this.assertOpen(session, now);
    const stored = await this.sessions.insertBatch(
      { sessionId: session.id, seq: input.seq, events, receivedAt: now.getTime() - session.startedAt.getTime() },
      MAX_SESSION_LOG_BYTES,
    );
    if (stored === 'log-full') {
      throw new SessionError(
        SessionErrorCode.EditLogFull,
        `session ${session.id} holds the most edit log it may (${MAX_SESSION_LOG_BYTES} bytes); submit your code or start a new session`,
        { limit: MAX_SESSION_LOG_BYTES },
      );
    }
    // A concurrent resend of the same seq won the insert: judge ours against what it stored.
    if (stored === 'duplicate') return ack(this.isResend((await this.sessions.findBatch(session.id, input.seq))!, events, input.seq));
    return ack(false);
  }

  /**
   * Submits the code written in a session for scoring (hidden tests, the comparison with the
   * AI-written solution, integrity evidence from the edit log). Taken until the deadline plus
   * SESSION_GRACE_MS, as edits are; a session takes several submissions, each against the daily
   * quota. The evidence is judged on the batches received up to this moment (`editLogCutoffMs`),
   * so edits sent after a submission never change its evidence, whenever it is scored.
   * @throws UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, LANGUAGE_UNSUPPORTED, CODE_EMPTY, CODE_TOO_LARGE, SESSION_EXPIRED, QUOTA_EXCEEDED
   */
  async submitCode(
    caller: Caller,
    input: { sessionId: string; code: string; language: string },
    now = this.clock.now(),
  ): Promise<SubmissionRecord> {
    const session = await this.find(caller, input.sessionId, Operation.SubmitCode);
    const language = validateSubmittedCode(input.code, input.language);
    this.assertOpen(session, now);
    const { challenge } = await this.view(session);
    return this.submissions.admit(
      {
        attemptId: session.attemptId,
        userId: session.userId,
        modelSha256: null,
        sourceSha256: null,
        code: {
          codingSessionId: session.id,
          code: input.code,
          language,
          editLogCutoffMs: now.getTime() - session.startedAt.getTime(),
        },
      },
      challenge,
      { countsTowardQuota: true, actorId: session.userId, rescoreOfId: null },
    );
  }

  /**
   * The code at each of the given times (ms since the session start, client clock), in the order
   * asked. @throws UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, TOO_MANY_PLAYBACK_TIMES
   */
  async playback(caller: Caller, id: string, atMs: readonly number[]): Promise<string[]> {
    const session = await this.find(caller, id, Operation.ViewSessionPlayback);
    if (atMs.length > MAX_PLAYBACK_TIMES) {
      throw new SessionError(
        SessionErrorCode.TooManyPlaybackTimes,
        `ask for at most ${MAX_PLAYBACK_TIMES} times at once, got ${atMs.length}`,
        { limit: MAX_PLAYBACK_TIMES },
      );
    }
    return playback(await this.sessions.editLog(session.id), atMs);
  }

  /** @throws SESSION_EXPIRED once the deadline plus SESSION_GRACE_MS has passed. */
  private assertOpen(session: CodingSessionRecord, now: Date): void {
    if (sessionTakesWork(session.deadline, now)) return;
    throw new SessionError(
      SessionErrorCode.SessionExpired,
      `session ${session.id} ended at ${session.deadline.toISOString()} (edits and code are taken until ${SESSION_GRACE_MS / 1000} s after); start a new session`,
      { deadline: session.deadline.toISOString() },
    );
  }

  /** True for an identical resend. @throws EDIT_BATCH_CONFLICT when the stored batch differs. */
  private isResend(stored: EditBatchRecord, events: EditEvent[], seq: number): true {
    if (!sameEvents(stored.events as EditEvent[], events)) {
      throw new SessionError(
        SessionErrorCode.EditBatchConflict,
        `batch ${seq} is already stored with other events; send each seq once and resend it unchanged`,
        { seq },
      );
    }
    return true;
  }

  private async find(caller: Caller, id: string, operation: Operation): Promise<CodingSessionRecord> {
    this.authorization.signedIn(caller);
    const session = isUuid(id) ? await this.sessions.findById(id) : null;
    if (!session) throw new DomainError(CommonErrorCode.NotFound, `no session ${id}`);
    this.authorization.authorize(caller, operation, { userId: session.userId });
    return session;
  }

  private async view(session: CodingSessionRecord): Promise<SessionView> {
    const attempt = (await this.attempts.findById(session.attemptId))!;
    const challenge = (await this.challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
    return { session, challenge, spec: sessionSpecOf(challenge) };
  }
}

function sessionSpecOf(challenge: ChallengeRecord): SessionSpecView {
  const spec = (challenge.definition as { spec: SessionSpecView }).spec;
  return { timeLimitMinutes: spec.timeLimitMinutes, entryPoint: spec.entryPoint, signature: spec.signature, examples: spec.examples };
}
