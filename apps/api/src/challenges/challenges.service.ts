import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AttemptRepository,
  ChallengeRepository,
  SubmissionRepository,
  type AttemptRecord,
  type ChallengeKindName,
  type ChallengeRecord,
} from '@app/db';
import { CommonErrorCode, DomainError, isUuid, Operation, quotaWindow } from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';

@Injectable()
export class ChallengesService {
  constructor(
    private readonly challenges: ChallengeRepository,
    private readonly attempts: AttemptRepository,
    private readonly submissions: SubmissionRepository,
    private readonly authorization: AuthorizationService,
  ) {}

  /** Active challenges by slug, optionally of one kind. Public. */
  async list(
    kind: ChallengeKindName | undefined,
    first: number,
    after: string | null | undefined,
  ): Promise<ConnectionShape<ChallengeRecord>> {
    const afterSlug = after ? decodeCursor(after, ['string'] as const)[0] : undefined;
    const rows = await this.challenges.list({ kind, take: takeFor(first), afterSlug });
    return connectionFromRows(rows, first, (row) => [row.slug]);
  }

  /** The challenge at its current version (retired ones too). Public. */
  bySlug(slug: string): Promise<ChallengeRecord | null> {
    return this.challenges.findBySlug(slug);
  }

  /** The challenge version a submission was made on (its attempt's). */
  async challengeOfSubmission(submission: { attemptId: string }): Promise<ChallengeRecord> {
    const attempt = (await this.attempts.findById(submission.attemptId))!;
    return this.challengeOf(attempt);
  }

  /** The version an attempt is judged by. */
  async challengeOf(attempt: AttemptRecord): Promise<ChallengeRecord> {
    return (await this.challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
  }

  /**
   * The caller's attempt at the challenge's current version, created with a fresh secret seed
   * (256 bits) the first time. @throws NOT_FOUND, CONFLICT (retired challenge)
   */
  async startAttempt(caller: Caller, slug: string): Promise<AttemptRecord> {
    const actor = this.authorization.authorize(caller, Operation.StartAttempt);
    const challenge = await this.challenges.findBySlug(slug);
    if (!challenge) throw new DomainError(CommonErrorCode.NotFound, `no challenge "${slug}"`);
    if (challenge.retiredAt) throw new DomainError(CommonErrorCode.Conflict, `challenge "${slug}" is retired and takes no new attempts`);
    return this.attempts.findOrCreate({
      userId: actor.userId,
      challengeId: challenge.id,
      challengeVersion: challenge.version,
      secretSeed: randomBytes(32).toString('hex'),
    });
  }

  /** An attempt, to its learner and admins. @throws NOT_FOUND, FORBIDDEN */
  async attempt(caller: Caller, id: string): Promise<AttemptRecord> {
    this.authorization.signedIn(caller);
    const attempt = isUuid(id) ? await this.attempts.findById(id) : null;
    if (!attempt) throw new DomainError(CommonErrorCode.NotFound, `no attempt ${id}`);
    this.authorization.authorize(caller, Operation.ViewAttempt, { userId: attempt.userId });
    return attempt;
  }

  /** Today's submissions that count, the limit, and the next reset (midnight UTC). */
  async quota(attempt: AttemptRecord, now = new Date()): Promise<{ used: number; limit: number; resetsAt: Date }> {
    const { since, resetsAt } = quotaWindow(now);
    const [used, challenge] = await Promise.all([
      this.submissions.countTowardQuota(attempt.userId, attempt.challengeId, since),
      this.challenges.findById(attempt.challengeId),
    ]);
    return { used, limit: challenge!.dailyQuota, resetsAt };
  }
}
