import { Inject, Injectable } from '@nestjs/common';
import {
  ArtifactRepository,
  AttemptRepository,
  AuditRepository,
  ChallengeRepository,
  ReviewRepository,
  sqlExecutorFor,
  SubmissionRepository,
  TeamRepository,
  TransactionRunner,
  type ChallengeRecord,
  type DbTransaction,
  type ResultRecord,
  type SubmissionRecord,
} from '@app/db';
import { EventBus, submissionEvent } from '@app/events';
import {
  CommonErrorCode,
  DomainError,
  isUuid,
  MAX_REPORT_BYTES,
  Operation,
  quotaWindow,
  SubmissionError,
  SubmissionErrorCode,
} from '@app/domain';
import type { ScoringQueue } from '@app/queue';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { connectionFromRows, takeFor } from '../graphql/pagination/connection-from-rows';
import type { ConnectionShape } from '../graphql/pagination/connection.model';
import { decodeCursor } from '../graphql/pagination/cursor';

export const SCORING_QUEUE = Symbol('SCORING_QUEUE');

/** What a submission holds: a model (and source archive), or the code of an AI-free session. */
export interface NewSubmission {
  attemptId: string;
  userId: string;
  modelSha256: string | null;
  sourceSha256: string | null;
  code?: { codingSessionId: string; code: string; language: string; editLogCutoffMs: number };
  report?: { reportMarkdown: string; evidenceSubmissionId: string };
}

@Injectable()
export class SubmissionsService {
  constructor(
    @Inject(SCORING_QUEUE) private readonly queue: ScoringQueue,
    private readonly submissions: SubmissionRepository,
    private readonly attempts: AttemptRepository,
    private readonly challenges: ChallengeRepository,
    private readonly artifacts: ArtifactRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly authorization: AuthorizationService,
    private readonly events: EventBus,
    private readonly reviews: ReviewRepository,
    private readonly teams: TeamRepository,
  ) {}

  /**
   * Submits an uploaded model (and, for PORT_TO_JAX, its source archive) for scoring. The row and
   * its scoring job are written in one transaction; the daily quota is counted under a per-learner,
   * per-challenge lock in that same transaction, so concurrent submissions cannot exceed it.
   * @throws NOT_FOUND, FORBIDDEN, WRONG_SUBMISSION_KIND, ARTIFACT_NOT_UPLOADED, QUOTA_EXCEEDED
   */
  async submitModel(
    caller: Caller,
    input: { attemptId: string; modelSha256: string; sourceSha256?: string | null },
  ): Promise<SubmissionRecord> {
    this.authorization.signedIn(caller);
    const attempt = isUuid(input.attemptId) ? await this.attempts.findById(input.attemptId) : null;
    if (!attempt) throw new DomainError(CommonErrorCode.NotFound, `no attempt ${input.attemptId}`);
    const actor = this.authorization.authorize(caller, Operation.SubmitModel, { userId: attempt.userId });
    const challenge = (await this.challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
    if (challenge.kind !== 'OPTIMIZE_MODEL' && challenge.kind !== 'PORT_TO_JAX') {
      throw new SubmissionError(
        SubmissionErrorCode.WrongSubmissionKind,
        `${challenge.slug} is a ${challenge.kind} challenge: it takes no model`,
      );
    }
    if (challenge.kind === 'PORT_TO_JAX' && !input.sourceSha256) {
      throw new SubmissionError(
        SubmissionErrorCode.WrongSubmissionKind,
        'a PORT_TO_JAX submission needs sourceSha256: upload the source archive of your JAX port first',
      );
    }
    for (const sha256 of [input.modelSha256, input.sourceSha256].filter((value): value is string => !!value)) {
      if (!(await this.artifacts.uploadBy(sha256, actor.userId))) {
        throw new SubmissionError(
          SubmissionErrorCode.ArtifactNotUploaded,
          `you have not uploaded an artifact ${sha256}; PUT /artifacts first and use the sha256 it answers`,
        );
      }
    }
    return this.admit(
      { attemptId: attempt.id, userId: actor.userId, modelSha256: input.modelSha256, sourceSha256: input.sourceSha256 ?? null },
      challenge,
      { countsTowardQuota: true, actorId: actor.userId, rescoreOfId: null },
    );
  }

  /**
   * Submits a report (DOCUMENT_RESULTS) on one of the learner's own SCORED submissions of the kind
   * the challenge documents. Its size is checked here (UTF-8 bytes, before anything is stored);
   * the scorer parses and checks it in the sandbox against the evidence's measured result.
   * @throws NOT_FOUND, FORBIDDEN, WRONG_SUBMISSION_KIND, REPORT_EMPTY, REPORT_TOO_LARGE, EVIDENCE_INVALID, QUOTA_EXCEEDED
   */
  async submitReport(
    caller: Caller,
    input: { attemptId: string; markdown: string; evidenceSubmissionId: string },
  ): Promise<SubmissionRecord> {
    this.authorization.signedIn(caller);
    const attempt = isUuid(input.attemptId) ? await this.attempts.findById(input.attemptId) : null;
    if (!attempt) throw new DomainError(CommonErrorCode.NotFound, `no attempt ${input.attemptId}`);
    const actor = this.authorization.authorize(caller, Operation.SubmitReport, { userId: attempt.userId });
    const challenge = (await this.challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
    const spec = (challenge.definition as { spec: { kind: string; documents?: string; maxReportBytes?: number } }).spec;
    if (spec.kind !== 'DOCUMENT_RESULTS') {
      throw new SubmissionError(
        SubmissionErrorCode.WrongSubmissionKind,
        `${challenge.slug} is a ${challenge.kind} challenge: it takes no report`,
      );
    }
    if (input.markdown.trim() === '') throw new SubmissionError(SubmissionErrorCode.ReportEmpty, 'the report is empty');
    const limit = spec.maxReportBytes ?? MAX_REPORT_BYTES;
    const bytes = Buffer.byteLength(input.markdown, 'utf8');
    if (bytes > limit) {
      throw new SubmissionError(SubmissionErrorCode.ReportTooLarge, `the report is ${bytes} bytes of UTF-8; at most ${limit} are taken`, {
        limit,
      });
    }
    const evidence = isUuid(input.evidenceSubmissionId) ? await this.submissions.findById(input.evidenceSubmissionId) : null;
    const evidenceChallenge = evidence && (await this.challenges.findById(evidence.challengeId));
    if (!evidence || evidence.userId !== actor.userId || evidence.status !== 'SCORED' || evidenceChallenge?.kind !== spec.documents) {
      throw new SubmissionError(
        SubmissionErrorCode.EvidenceInvalid,
        `the evidence must be one of your own SCORED ${spec.documents} submissions (its id from mySubmissions)`,
        { documents: spec.documents ?? null },
      );
    }
    return this.admit(
      {
        attemptId: attempt.id,
        userId: actor.userId,
        modelSha256: null,
        sourceSha256: null,
        report: { reportMarkdown: input.markdown, evidenceSubmissionId: evidence.id },
      },
      challenge,
      { countsTowardQuota: true, actorId: actor.userId, rescoreOfId: null },
    );
  }

  /**
   * Scores a submission again as a new submission: the same artifacts (or the same code with the
   * same edit log), fresh hidden inputs (the way to settle an INCONCLUSIVE interval, or a platform
   * failure). The owner's rescore uses the
   * daily quota; an admin's does not.
   * @throws NOT_FOUND, FORBIDDEN, QUOTA_EXCEEDED, WRONG_SUBMISSION_KIND
   */
  async rescore(caller: Caller, submissionId: string): Promise<SubmissionRecord> {
    this.authorization.signedIn(caller);
    const original = isUuid(submissionId) ? await this.submissions.findById(submissionId) : null;
    if (!original) throw new DomainError(CommonErrorCode.NotFound, `no submission ${submissionId}`);
    const actor = this.authorization.authorize(caller, Operation.RescoreSubmission, { userId: original.userId });
    const attempt = (await this.attempts.findById(original.attemptId))!;
    const challenge = (await this.challenges.findById(attempt.challengeId, attempt.challengeVersion))!;
    const code = original.codingSessionId ? await this.submissions.codeOf(original.id) : null;
    if (original.modelSha256 === null && code === null) {
      throw new SubmissionError(SubmissionErrorCode.WrongSubmissionKind, `submission ${original.id} holds nothing to score again`);
    }
    const byOwner = actor.userId === original.userId;
    return this.admit(
      {
        attemptId: attempt.id,
        userId: original.userId,
        modelSha256: original.modelSha256,
        sourceSha256: original.sourceSha256,
        ...(code ? { code } : {}),
      },
      challenge,
      { countsTowardQuota: byOwner, actorId: actor.userId, rescoreOfId: original.id },
    );
  }

  /**
   * Writes the submission and its scoring job in one transaction. When it counts toward the quota,
   * the count runs under a per-learner, per-challenge lock in that transaction, so concurrent
   * submissions cannot exceed it. The caller has checked who may submit what.
   * @throws QUOTA_EXCEEDED
   */
  admit(
    submission: NewSubmission,
    challenge: ChallengeRecord,
    options: { countsTowardQuota: boolean; actorId: string; rescoreOfId: string | null },
  ): Promise<SubmissionRecord> {
    const deviceClass = ((challenge.definition.spec as { deviceClass?: string }).deviceClass ?? 'cpu') as string;
    return this.transactions.run(async (tx) => {
      if (options.countsTowardQuota) await this.checkQuota(submission.userId, challenge, tx);
      const { code, report, ...artifacts } = submission;
      const created = await this.submissions.create(
        {
          ...artifacts,
          ...code,
          ...report,
          challengeId: challenge.id,
          rescoreOfId: options.rescoreOfId,
          countsTowardQuota: options.countsTowardQuota,
        },
        tx,
      );
      const jobId = await this.queue.enqueue({ submissionId: created.id }, deviceClass, sqlExecutorFor(tx));
      await this.submissions.setJob(created.id, jobId, tx);
      await this.events.publish(submissionEvent(created), sqlExecutorFor(tx));
      await this.audit.record(
        {
          actorId: options.actorId,
          action: options.rescoreOfId ? 'submission.rescored' : 'submission.created',
          objectType: 'Submission',
          objectId: created.id,
          details: { challenge: challenge.slug, jobId, ...(options.rescoreOfId ? { rescoreOf: options.rescoreOfId } : {}) },
        },
        tx,
      );
      return created;
    });
  }

  private async checkQuota(userId: string, challenge: ChallengeRecord, tx: DbTransaction): Promise<void> {
    await this.submissions.lockQuota(userId, challenge.id, tx);
    const { since, resetsAt } = quotaWindow(new Date());
    const used = await this.submissions.countTowardQuota(userId, challenge.id, since, tx);
    if (used >= challenge.dailyQuota) {
      throw new SubmissionError(
        SubmissionErrorCode.QuotaExceeded,
        `daily quota of ${challenge.dailyQuota} used for ${challenge.slug}; resets ${resetsAt.toISOString()}`,
        { used, limit: challenge.dailyQuota, resetsAt: resetsAt.toISOString() },
      );
    }
  }

  /** The result of a submission the caller may see (byId's check), or null while it has none. */
  resultOf(submission: { id: string }): Promise<ResultRecord | null> {
    return this.submissions.resultOf(submission.id);
  }

  /**
   * A submission, to its learner and admins, and to the mentors who may review its attempt's
   * review (never their own or their team's). @throws NOT_FOUND, FORBIDDEN
   */
  async byId(caller: Caller, id: string): Promise<SubmissionRecord> {
    this.authorization.signedIn(caller);
    const submission = isUuid(id) ? await this.submissions.findById(id) : null;
    if (!submission) throw new DomainError(CommonErrorCode.NotFound, `no submission ${id}`);
    const team = await this.teams.membershipOf(submission.userId);
    const actor = this.authorization.authorize(caller, Operation.ViewSubmission, {
      userId: submission.userId,
      teamId: team?.teamId ?? null,
    });
    // A mentor (not the owner, not an admin) sees it only while its attempt has a review to do.
    if (actor.userId !== submission.userId && actor.role === 'MENTOR' && !(await this.reviews.findBySubmissionAttempt(submission.id))) {
      throw new DomainError(
        CommonErrorCode.Forbidden,
        `submission ${submission.id} is not under review; mentors see submissions through their reviews`,
      );
    }
    return submission;
  }

  /** The caller's submissions, newest first, optionally for one challenge. */
  async mine(
    caller: Caller,
    challengeSlug: string | null | undefined,
    first: number,
    after: string | null | undefined,
  ): Promise<ConnectionShape<SubmissionRecord>> {
    const actor = this.authorization.signedIn(caller);
    const challenge = challengeSlug ? await this.challenges.findBySlug(challengeSlug) : null;
    if (challengeSlug && !challenge) throw new DomainError(CommonErrorCode.NotFound, `no challenge "${challengeSlug}"`);
    const position = after ? decodeCursor(after, ['string', 'string'] as const) : undefined;
    const rows = await this.submissions.listForUser(
      actor.userId,
      takeFor(first),
      challenge?.id,
      position && { createdAt: new Date(position[0]), id: position[1] },
    );
    return connectionFromRows(rows, first, (row) => [row.createdAt.toISOString(), row.id]);
  }
}
